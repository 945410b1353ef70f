/** The operations dashboard: a header (pages, live status, range, origin toggle, PDF) over one page at a time.
 * Pages live in pages/, one file each; figures cover user traffic unless "include internal" is on. */
import { render } from "preact";
import { useEffect, useState } from "preact/hooks";
import { API, useLive } from "./api.ts";
import { SPAN } from "./format.ts";
import { DEFINITIONS } from "./definitions.ts";
import type { Origin, Range } from "./types.ts";
import { Overview } from "./pages/overview.tsx";
import { Performance } from "./pages/performance.tsx";
import { Caching } from "./pages/caching.tsx";
import { Tools } from "./pages/tools.tsx";
import { Errors } from "./pages/errors.tsx";
import { Queries } from "./pages/queries.tsx";

const PAGES = [
  "overview",
  "performance",
  "caching",
  "tools",
  "errors",
  "queries",
] as const;
type Page = typeof PAGES[number];

function usePage(): Page {
  const get = () => (PAGES.find((p) => location.hash === `#/${p}`) ?? "overview");
  const [page, setPage] = useState<Page>(get());
  useEffect(() => {
    const on = () => setPage(get());
    addEventListener("hashchange", on);
    return () => removeEventListener("hashchange", on);
  }, []);
  return page;
}

const value = (e: Event) => (e.target as HTMLInputElement | HTMLSelectElement).value;

function App() {
  const page = usePage();
  const [window, setWindow] = useState("1h");
  const [picked, setPicked] = useState<{ from?: string; to?: string }>({});
  const [origin, setOrigin] = useState<Origin>(
    new URLSearchParams(location.search).get("origin") === "all" ? "all" : "user",
  );
  const live = useLive();
  const to = picked.to ? Date.parse(picked.to) : Date.now() + 60_000;
  const from = picked.from ? Date.parse(picked.from) : to - SPAN[window];
  const range: Range = { window, bump: live.version, from, to, origin };
  return (
    <>
      <header>
        <h1>ChemAgent dashboard</h1>
        <nav>
          {PAGES.map((p) => (
            <a key={p} href={`#/${p}`} class={p === page ? "active" : ""}>
              {p[0].toUpperCase() + p.slice(1)}
            </a>
          ))}
        </nav>
        <div class="controls">
          <span class="live">
            <span class={`dot ${live.connected ? "on" : ""}`} />
            {live.connected ? "live" : "offline"}
          </span>
          <label class="toggle" title={DEFINITIONS.queries}>
            <input
              id="include-internal"
              type="checkbox"
              checked={origin === "all"}
              onChange={(e) =>
                setOrigin(
                  (e.target as HTMLInputElement).checked ? "all" : "user",
                )}
            />
            include internal
          </label>
          <select
            id="window"
            value={window}
            onChange={(e) => setWindow(value(e))}
          >
            {Object.keys(SPAN).map((w) => <option key={w} value={w}>last {w}</option>)}
          </select>
          <input
            type="datetime-local"
            aria-label="from"
            onChange={(e) => setPicked((r) => ({ ...r, from: value(e) }))}
          />
          <input
            type="datetime-local"
            aria-label="to"
            onChange={(e) => setPicked((r) => ({ ...r, to: value(e) }))}
          />
          <a
            id="pdf"
            class="button"
            href={`${API}/api/metrics/report.pdf?window=${window}`}
            download
          >
            PDF
          </a>
        </div>
      </header>
      <main id={`page-${page}`}>
        {page === "overview" && <Overview range={range} live={live.events} />}
        {page === "performance" && <Performance range={range} />}
        {page === "caching" && <Caching range={range} />}
        {page === "tools" && <Tools range={range} />}
        {page === "errors" && <Errors range={range} />}
        {page === "queries" && <Queries range={range} />}
      </main>
    </>
  );
}

render(<App />, document.getElementById("app")!);
