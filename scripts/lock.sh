#!/usr/bin/env bash
# Regenerates the exact versions the Docker image installs. Run it after changing a dependency
# in pyproject.toml, and commit the lock files:
#   requirements.lock        serving (the runtime image): ONNX Runtime, no PyTorch
#   requirements-train.lock  the `train` extra on top of those pins (the train image); PyTorch
#                            itself comes from its CPU index in the Dockerfile (TORCH_VERSION,
#                            TORCHVISION_VERSION there), so this lock leaves out torch,
#                            torchvision and the CUDA-only packages PyPI's torch would drag in.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh
ensure_venv dev
"$VENV/bin/python" -m pip install --quiet "uv>=0.5"

torch=$(sed -n 's/^ARG TORCH_VERSION=//p' Dockerfile)
torchvision=$(sed -n 's/^ARG TORCHVISION_VERSION=//p' Dockerfile)
constraints=$(mktemp)
trap 'rm -f "$constraints"' EXIT
printf 'torch==%s\ntorchvision==%s\n' "$torch" "$torchvision" >"$constraints"

compile() {
  "$VENV/bin/uv" pip compile pyproject.toml --quiet --python-version 3.11 \
    --python-platform x86_64-unknown-linux-gnu --custom-compile-command "scripts/lock.sh" "$@"
}
compile -o requirements.lock
# The train extra, resolved with every serving pin held, so both images agree on shared packages.
train=(--extra train --constraint requirements.lock --constraint "$constraints")
# Everything torch pulls in only for CUDA, found by resolving once.
skip=(--no-emit-package torch --no-emit-package torchvision)
for name in $(compile "${train[@]}" --no-header --no-annotate | grep -oE '^(nvidia-[a-z0-9-]+|triton|cuda-[a-z0-9-]+)'); do
  skip+=(--no-emit-package "$name")
done
compile "${train[@]}" "${skip[@]}" -o requirements-train.lock
echo "requirements.lock: $(grep -c '==' requirements.lock) pinned packages, no PyTorch"
echo "requirements-train.lock: $(grep -c '==' requirements-train.lock) pinned packages (torch $torch from the CPU index)"
