#!/usr/bin/env bash
# Renders the Academy's hand-written SVG diagrams (academy-content/*/media/*.svg) to the PNGs the lessons send.
# Run it after editing an SVG and commit both files: the PNGs are shipped, so neither the build nor the
# service needs an SVG renderer. Needs rsvg-convert (Debian: librsvg2-bin). The PNGs come out 8-bit RGBA,
# which WhatsApp takes (docs/WHATSAPP.md §8); `delvex academy check academy-content` checks type and size.
set -euo pipefail
cd "$(dirname "$0")/../academy-content"
if ! command -v rsvg-convert >/dev/null; then
  echo "render-academy-diagrams: rsvg-convert is missing (apt-get install librsvg2-bin)" >&2
  exit 1
fi
width="${ACADEMY_DIAGRAM_WIDTH:-800}"
for svg in */media/*.svg; do
  png="${svg%.svg}.png"
  rsvg-convert --width "$width" --keep-aspect-ratio --format png --output "$png" "$svg"
  echo "$png: $(stat -c %s "$png") bytes"
done
