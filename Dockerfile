# Vitrine in one image: migrations, then gunicorn. Models, catalogue and SQLite (if used) live
# on the /data volume. Build: docker build -t vitrine .   Run: see README "Deploy".

# --- build: a virtualenv with CPU-only PyTorch and the Vitrine wheel ------------------------
FROM python:3.11-slim AS build
ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1
RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH
# PyTorch's CPU wheel index (https://download.pytorch.org/whl/cpu): from PyPI, pip would pull
# the CUDA build, several GB that a CPU host never uses. Installed before the package so the
# package's torch requirement is already met.
RUN pip install --index-url https://download.pytorch.org/whl/cpu "torch>=2.4" "torchvision>=0.19"
WORKDIR /src
COPY pyproject.toml README.md ./
COPY dashboard ./dashboard
COPY ml ./ml
COPY db ./db
COPY alembic ./alembic
COPY assets ./assets
# A regular (non-editable) wheel install: alembic/ and assets/ travel inside the wheel.
RUN pip wheel --no-deps --wheel-dir /wheels . \
    && pip install /wheels/vitrine-*.whl

# --- runtime: the virtualenv only; no compilers, no sources, a non-root user -----------------
FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PATH=/opt/venv/bin:$PATH
RUN useradd --create-home --uid 10001 vitrine \
    && mkdir -p /data && chown vitrine:vitrine /data
COPY --from=build /opt/venv /opt/venv
COPY gunicorn.conf.py /app/gunicorn.conf.py

USER vitrine
WORKDIR /data
ENV PORT=8000 \
    DATABASE_URL=sqlite:////data/vitrine.db \
    VITRINE_INSTANCE_DIR=/data/instance \
    VITRINE_DATA_DIR=/data/catalogue \
    VITRINE_ARTIFACTS_DIR=/data/artifacts
VOLUME ["/data"]
EXPOSE 8000

HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD python -c "import os, urllib.request; urllib.request.urlopen(f'http://127.0.0.1:{os.environ[\"PORT\"]}/api/health', timeout=4)"

# Migrations first; exec hands PID 1 to gunicorn so SIGTERM reaches it (graceful shutdown).
CMD ["sh", "-c", "vitrine db upgrade && exec gunicorn -c /app/gunicorn.conf.py dashboard.wsgi:server"]
