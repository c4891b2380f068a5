#!/usr/bin/env bash
# Refresh the front-end libraries served from the project's own static files (never a CDN):
# Leaflet, Leaflet.markercluster and Chart.js (the managers' figures), from the npm registry; and
# axe-core, which only the browser tests load (tests/browser/vendor, never served by the site). Run by a developer when bumping a
# version; the files are committed, so `make run` and CI need neither Node nor the network.
set -euo pipefail
LEAFLET=1.9.4
MARKERCLUSTER=1.5.3
CHARTJS=4.5.1
AXE=4.14.1
ROOT=$(cd "$(dirname "$0")/.." && pwd)
DEST=$ROOT/website/static/vendor
TEST_DEST=$ROOT/tests/browser/vendor
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
npm pack --silent "leaflet@$LEAFLET" "leaflet.markercluster@$MARKERCLUSTER" "chart.js@$CHARTJS" "axe-core@$AXE" >/dev/null
mkdir leaflet markercluster chartjs axe
tar -xzf "leaflet-$LEAFLET.tgz" -C leaflet
tar -xzf "leaflet.markercluster-$MARKERCLUSTER.tgz" -C markercluster
tar -xzf "chart.js-$CHARTJS.tgz" -C chartjs
tar -xzf "axe-core-$AXE.tgz" -C axe
rm -rf "$DEST/leaflet" "$DEST/leaflet.markercluster" "$DEST/chartjs"
mkdir -p "$DEST/leaflet/images" "$DEST/leaflet.markercluster" "$DEST/chartjs"
cp leaflet/package/dist/leaflet.js leaflet/package/dist/leaflet.css leaflet/package/LICENSE "$DEST/leaflet/"
cp leaflet/package/dist/images/*.png "$DEST/leaflet/images/"
cp markercluster/package/dist/leaflet.markercluster.js markercluster/package/dist/MarkerCluster.css \
  markercluster/package/dist/MarkerCluster.Default.css markercluster/package/MIT-LICENCE.txt \
  "$DEST/leaflet.markercluster/"
cp chartjs/package/dist/chart.umd.min.js chartjs/package/LICENSE.md "$DEST/chartjs/"
rm -rf "$TEST_DEST/axe-core"
mkdir -p "$TEST_DEST/axe-core"
cp axe/package/axe.min.js axe/package/LICENSE axe/package/LICENSE-3RD-PARTY.txt "$TEST_DEST/axe-core/"
# Where it came from: the npm tarball and its integrity (as npm records it).
echo "axe-core $AXE, npm pack axe-core@$AXE, integrity sha512-$(openssl dgst -sha512 -binary "axe-core-$AXE.tgz" | base64 -w0)" \
  >"$TEST_DEST/axe-core/VERSION"
# Their source maps are not shipped; a dangling reference would break collectstatic.
sed -i "/sourceMappingURL/d" "$DEST"/*/*.js
echo "leaflet $LEAFLET, leaflet.markercluster $MARKERCLUSTER, chart.js $CHARTJS → $DEST; axe-core $AXE → $TEST_DEST"
