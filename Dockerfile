# Vitrine in one container: migrations, then gunicorn. Models and data live on the /data volume.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

RUN useradd --create-home --uid 10001 vitrine \
    && mkdir -p /data && chown vitrine:vitrine /data

WORKDIR /app

# CPU-only PyTorch from PyTorch's CPU wheel index, installed before the package so pip does not
# pull the multi-gigabyte CUDA build from PyPI.
RUN pip install --index-url https://download.pytorch.org/whl/cpu torch torchvision

COPY pyproject.toml README.md alembic.ini ./
COPY dashboard ./dashboard
COPY ml ./ml
COPY db ./db
COPY alembic ./alembic
COPY assets ./assets
# A regular (non-editable) install: alembic/ and assets/ travel inside the wheel.
RUN pip install . && rm -rf /app/build

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

CMD ["sh", "-c", "vitrine db upgrade && exec gunicorn dashboard.wsgi:server --bind 0.0.0.0:${PORT} --workers ${WEB_CONCURRENCY:-2} --timeout 120 --access-logfile -"]
