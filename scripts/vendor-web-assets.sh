#!/usr/bin/env bash
# Refresh the web app's vendored front-end files from the npm registry (run by hand, then commit).
#   GOV.UK Frontend (MIT): its built CSS and JS, without the GDS Transport font (reserved for
#   GOV.UK services; councils use Arial) and without the crown images.
#   htmx (0BSD): htmx.min.js.
#   axe-core (MPL-2.0): axe.min.js, for the browser tests only (tests/resources/).
set -euo pipefail
cd "$(dirname "$0")/.."
GOVUK=${GOVUK:-6.6.0}
HTMX=${HTMX:-2.0.11}
AXE=${AXE:-4.14.1}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm pack --silent "govuk-frontend@$GOVUK" "htmx.org@$HTMX" "axe-core@$AXE" >/dev/null)
for f in "$tmp"/*.tgz; do d="${f%.tgz}"; mkdir -p "$d"; tar xzf "$f" -C "$d"; done
out=src/selfeval/web/static/vendor
rm -rf "$out" && mkdir -p "$out/govuk" "$out/htmx"
g="$tmp/govuk-frontend-$GOVUK/package"
# Drop the @font-face rules: the font is licensed for GOV.UK only; browsers fall back to Arial.
sed -E 's/@font-face\{[^}]*\}//g' "$g/dist/govuk/govuk-frontend.min.css" > "$out/govuk/govuk-frontend.min.css"
sed -E 's|//# sourceMappingURL=.*||' "$g/dist/govuk/govuk-frontend.min.js" > "$out/govuk/govuk-frontend.min.js"
# The npm package ships no licence file; its package.json says MIT (Crown Copyright, GDS).
node -e 'const p=require(process.argv[1]);console.log(p.name+" "+p.version+": licence "+p.license+", Copyright (c) Crown Copyright (Government Digital Service)")' "$g/package.json" > "$out/govuk/LICENSE.txt"
echo "$GOVUK" > "$out/govuk/VERSION"
h="$tmp/htmx.org-$HTMX/package"
cp "$h/dist/htmx.min.js" "$out/htmx/"
cp "$h/LICENSE" "$out/htmx/LICENSE"
echo "$HTMX" > "$out/htmx/VERSION"
mkdir -p tests/resources
cp "$tmp/axe-core-$AXE/package/axe.min.js" tests/resources/axe.min.js
cp "$tmp/axe-core-$AXE/package/LICENSE" tests/resources/axe-LICENSE
echo "$AXE" > tests/resources/axe-VERSION
echo "vendored govuk-frontend $GOVUK, htmx.org $HTMX, axe-core $AXE"
