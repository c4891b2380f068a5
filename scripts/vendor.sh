#!/usr/bin/env bash
# Refresh the front-end libraries served from the project's own static files (never a CDN):
# Leaflet, Leaflet.markercluster and Chart.js (the managers' figures), from the npm registry. Run by a developer when bumping a
# version; the files are committed, so `make run` and CI need neither Node nor the network.
set -euo pipefail
LEAFLET=1.9.4
MARKERCLUSTER=1.5.3
CHARTJS=4.5.1
ROOT=$(cd "$(dirname "$0")/.." && pwd)
DEST=$ROOT/website/static/vendor
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
npm pack --silent "leaflet@$LEAFLET" "leaflet.markercluster@$MARKERCLUSTER" "chart.js@$CHARTJS" >/dev/null
mkdir leaflet markercluster chartjs
tar -xzf "leaflet-$LEAFLET.tgz" -C leaflet
tar -xzf "leaflet.markercluster-$MARKERCLUSTER.tgz" -C markercluster
tar -xzf "chart.js-$CHARTJS.tgz" -C chartjs
rm -rf "$DEST/leaflet" "$DEST/leaflet.markercluster" "$DEST/chartjs"
mkdir -p "$DEST/leaflet/images" "$DEST/leaflet.markercluster" "$DEST/chartjs"
cp leaflet/package/dist/leaflet.js leaflet/package/dist/leaflet.css leaflet/package/LICENSE "$DEST/leaflet/"
cp leaflet/package/dist/images/*.png "$DEST/leaflet/images/"
cp markercluster/package/dist/leaflet.markercluster.js markercluster/package/dist/MarkerCluster.css \
  markercluster/package/dist/MarkerCluster.Default.css markercluster/package/MIT-LICENCE.txt \
  "$DEST/leaflet.markercluster/"
cp chartjs/package/dist/chart.umd.min.js chartjs/package/LICENSE.md "$DEST/chartjs/"
# Their source maps are not shipped; a dangling reference would break collectstatic.
sed -i "/sourceMappingURL/d" "$DEST"/*/*.js
echo "leaflet $LEAFLET, leaflet.markercluster $MARKERCLUSTER, chart.js $CHARTJS → $DEST"
