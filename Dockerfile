# The code location of vth-pipeline: served over gRPC to the webserver and the daemon, and the
# image of every run pod (K8sRunLauncher). Build, naming the commit (the image has no .git; the
# manifest of every published year names this commit, vth_pipeline/publish/manifest.py):
#   docker build --build-arg VTH_COMMIT=$(git rev-parse HEAD) -t vth-pipeline:$(git rev-parse HEAD) .
# Not built on the development machine (no Docker engine there): see docs/deploy.md.
FROM python:3.11-slim-bookworm

# Chromium renders the static chart images (kaleido); Debian's package, as in development.
RUN apt-get update -qq \
    && apt-get install -y -qq --no-install-recommends chromium git \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /opt/vth
COPY pyproject.toml constraints.txt README.md ./
COPY vth_pipeline ./vth_pipeline
COPY assets ./assets
COPY data/reference ./data/reference
COPY expectations ./expectations
RUN pip install --no-cache-dir --upgrade pip \
    && pip install --no-cache-dir -c constraints.txt . 'dagster-k8s==0.29.27'

# Warehouse, archive, raw deliveries and publication live on the persistent volume /data.
ENV BROWSER_PATH=/usr/bin/chromium \
    VTH_RAW_DIR=/data/raw \
    VTH_OUT_DIR=/data/publicatie \
    VTH_WAREHOUSE=/data/warehouse/vth.duckdb \
    VTH_ARCHIVE_DIR=/data/warehouse/archief \
    VTH_REFERENCE_DIR=/opt/vth/data/reference \
    VTH_ASSETS_DIR=/opt/vth/assets \
    VTH_AUTOMATION=aan \
    VTH_TRANSIENT_RETRIES=2 \
    VTH_PORTAAL_DIR=/data/portaal

# The commit the image is built from: read at run time for the manifest and the runs' tags.
ARG VTH_COMMIT=onbekend
ENV VTH_COMMIT=${VTH_COMMIT}
LABEL org.opencontainers.image.revision=${VTH_COMMIT}

# 3030: the code location (gRPC). 8080: the delivery portal, the same image run as
# `vth portaal --host 0.0.0.0 --port 8080` behind a TLS proxy (docs/deploy.md).
EXPOSE 3030 8080
CMD ["dagster", "api", "grpc", "-h", "0.0.0.0", "-p", "3030", "-m", "vth_pipeline.definitions"]
