# Vitrine's images: migrations, then gunicorn. Models, catalogue and SQLite (if used) live on the
# /data volume. Build: docker build -t vitrine .   Run: see README "Deploy".
# Two targets: the default (last) stage serves on ONNX Runtime without PyTorch; `--target train`
# adds the `train` extra (CPU-only PyTorch, timm, onnx) to train and export models onto /data.

# --- build: the serving virtualenv (the locked dependencies, no PyTorch) and the Vitrine wheel --
FROM python:3.11-slim AS build
ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1
RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH
WORKDIR /src
# Every dependency at the exact version of requirements.lock (scripts/lock.sh).
COPY requirements.lock ./
RUN pip install -r requirements.lock
COPY pyproject.toml README.md ./
COPY dashboard ./dashboard
COPY ml ./ml
COPY db ./db
COPY alembic ./alembic
COPY assets ./assets
# A regular (non-editable) wheel install: alembic/ and assets/ travel inside the wheel.
RUN pip wheel --no-deps --wheel-dir /wheels . \
    && pip install --no-deps /wheels/vitrine-*.whl \
    && pip check

# --- build-train: the same virtualenv plus the `train` extra ----------------------------------
FROM build AS build-train
# The PyTorch pair CI tests; scripts/lock.sh reads them from here.
ARG TORCH_VERSION=2.14.1
ARG TORCHVISION_VERSION=0.29.1
# PyTorch's CPU wheel index (https://download.pytorch.org/whl/cpu): from PyPI, pip would pull
# the CUDA build, several GB that a CPU host never uses. Installed before the rest so the
# torch requirement of timm is already met.
RUN pip install --index-url https://download.pytorch.org/whl/cpu \
    "torch==${TORCH_VERSION}" "torchvision==${TORCHVISION_VERSION}"
COPY requirements-train.lock ./
RUN pip install -r requirements-train.lock && pip check

# --- base: what both images share; no compilers, no sources, a non-root user ------------------
FROM python:3.11-slim AS base
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PATH=/opt/venv/bin:$PATH \
    DATABASE_URL=sqlite:////data/vitrine.db \
    VITRINE_INSTANCE_DIR=/data/instance \
    VITRINE_DATA_DIR=/data/catalogue \
    VITRINE_ARTIFACTS_DIR=/data/artifacts
# Pango, HarfBuzz and a font: what WeasyPrint lays PDF decision reports out with (libraries
# only, nothing that compiles; the same list as scripts/lib.sh REPORT_PACKAGES).
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
       libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --create-home --uid 10001 vitrine \
    && mkdir -p /data && chown vitrine:vitrine /data
WORKDIR /data
VOLUME ["/data"]

# --- train (docker build --target train -t vitrine-train .): vitrine train, data demo, ... ----
FROM base AS train
COPY --from=build-train /opt/venv /opt/venv
USER vitrine
CMD ["vitrine", "--help"]

# --- runtime (the default): serves on ONNX Runtime; PyTorch is not installed -----------------
FROM base AS runtime
COPY --from=build /opt/venv /opt/venv
COPY gunicorn.conf.py /app/gunicorn.conf.py
USER vitrine
ENV PORT=8000
EXPOSE 8000

HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD python -c "import os, urllib.request; urllib.request.urlopen(f'http://127.0.0.1:{os.environ[\"PORT\"]}/api/health', timeout=4)"

# Migrations first; exec hands PID 1 to gunicorn so SIGTERM reaches it (graceful shutdown).
CMD ["sh", "-c", "vitrine db upgrade && exec gunicorn -c /app/gunicorn.conf.py dashboard.web.wsgi:server"]
