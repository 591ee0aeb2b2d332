/**
 * Where the viewer's files are: the static page (`viewer/index.html`, `viewer/style.css` at the
 * package root) and its compiled module (`dist/src/viewer/page/*.js`, built by `tsc`). Found from
 * this module's own location, so it works from the built package and from the sources (tsx).
 */

import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { RlmError } from "../errors/index.js";

export interface ViewerFiles {
  /** Folder holding `index.html` and `style.css`. */
  staticDirectory: string;
  /** Folder holding the compiled page modules (`main.js`, ...). */
  pageDirectory: string;
}

export function findViewerFiles(overrides: Partial<ViewerFiles> = {}): ViewerFiles {
  const here = dirname(fileURLToPath(import.meta.url));
  const root = findPackageRoot(here);
  const staticDirectory = overrides.staticDirectory ?? join(root, "viewer");
  // Built: the page sits beside this file. From sources: the build output under dist/.
  const pageDirectory =
    overrides.pageDirectory ??
    [join(here, "page"), join(root, "dist", "src", "viewer", "page")].find((folder) =>
      existsSync(join(folder, "main.js")),
    );
  if (!existsSync(join(staticDirectory, "index.html"))) {
    throw new RlmError("viewer-missing", `The viewer page is missing: no index.html in ${staticDirectory}.`, {
      hint: "Reinstall rlm; the package ships the viewer/ folder.",
    });
  }
  if (!pageDirectory || !existsSync(join(pageDirectory, "main.js"))) {
    throw new RlmError("viewer-not-built", "The viewer's script is not built (no page/main.js).", {
      hint: "Run `npm run build` in the rlm folder, then try again.",
    });
  }
  return { staticDirectory, pageDirectory };
}

/** The nearest folder above `start` that holds `viewer/index.html` (the package root). */
function findPackageRoot(start: string): string {
  for (let folder = start; ; folder = dirname(folder)) {
    if (existsSync(join(folder, "viewer", "index.html"))) return folder;
    if (dirname(folder) === folder) return start;
  }
}
