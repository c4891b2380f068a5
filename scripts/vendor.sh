#!/usr/bin/env bash
# Refresh the front-end libraries served from the project's own static files (never a CDN):
# Leaflet and Leaflet.markercluster, from the npm registry. Run by a developer when bumping a
# version; the files are committed, so `make run` and CI need neither Node nor the network.
set -euo pipefail
LEAFLET=1.9.4
MARKERCLUSTER=1.5.3
ROOT=$(cd "$(dirname "$0")/.." && pwd)
DEST=$ROOT/website/static/vendor
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
npm pack --silent "leaflet@$LEAFLET" "leaflet.markercluster@$MARKERCLUSTER" >/dev/null
mkdir leaflet markercluster
tar -xzf "leaflet-$LEAFLET.tgz" -C leaflet
tar -xzf "leaflet.markercluster-$MARKERCLUSTER.tgz" -C markercluster
rm -rf "$DEST/leaflet" "$DEST/leaflet.markercluster"
mkdir -p "$DEST/leaflet/images" "$DEST/leaflet.markercluster"
cp leaflet/package/dist/leaflet.js leaflet/package/dist/leaflet.css leaflet/package/LICENSE "$DEST/leaflet/"
cp leaflet/package/dist/images/*.png "$DEST/leaflet/images/"
cp markercluster/package/dist/leaflet.markercluster.js markercluster/package/dist/MarkerCluster.css \
  markercluster/package/dist/MarkerCluster.Default.css markercluster/package/MIT-LICENCE.txt \
  "$DEST/leaflet.markercluster/"
# Their source maps are not shipped; a dangling reference would break collectstatic.
sed -i "/sourceMappingURL/d" "$DEST"/*/*.js
echo "leaflet $LEAFLET, leaflet.markercluster $MARKERCLUSTER → $DEST"
