package dev.jplay.reports;

/** The report page's stylesheet, inlined so that the page is one file. */
final class Style {
    private Style() {}

    static final String CSS = """
            :root{--ok:#2e7d32;--changed:#c77700;--failed:#c62828;--unreachable:#7b1fa2;--skipped:#9e9e9e;--ignored:#ef8f00;
              --ink:#1d2330;--muted:#667085;--line:#e4e7ec;--bg:#f6f7f9;--card:#fff}
            *{box-sizing:border-box}
            body{margin:0;padding:24px 32px 40px;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;
              color:var(--ink);background:var(--bg)}
            h1{font-size:22px;margin:0;word-break:break-all}
            h2{font-size:17px;margin:0 0 12px;display:inline-block}
            h2 small{font-weight:normal;color:var(--muted);margin-left:6px;font-size:14px}
            section{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:16px 20px;margin:0 0 18px}
            header{margin:0 0 18px}
            .title{display:flex;gap:12px;align-items:center;flex-wrap:wrap}
            .badge{display:inline-block;padding:3px 10px;border-radius:999px;font-weight:600;font-size:13px;color:#fff;background:var(--muted)}
            .o-ok{background:var(--ok)}.o-failed,.o-error{background:var(--failed)}.o-unreachable,.o-failed_unreachable{background:var(--unreachable)}
            .o-interrupted{background:var(--changed)}.o-check{background:#1565c0}
            dl.meta{display:flex;flex-wrap:wrap;gap:6px 28px;margin:10px 0 0}
            dl.meta div,dl.facts div{display:flex;gap:6px}
            dt{color:var(--muted)}dd{margin:0;font-weight:500}
            code,pre,.loc,.step{font-family:ui-monospace,"SFMono-Regular",Menlo,Consolas,"DejaVu Sans Mono",monospace;font-size:12.5px}
            table{border-collapse:collapse;width:100%}
            th{text-align:left;font-weight:600;color:var(--muted);font-size:12px;text-transform:uppercase;letter-spacing:.03em;
              border-bottom:1px solid var(--line);padding:6px 8px}
            td{padding:6px 8px;border-bottom:1px solid var(--line);vertical-align:top;overflow-wrap:anywhere}
            td.h{font-weight:600;white-space:nowrap}
            td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}
            td.zero{color:#c4c9d2}
            td.n,td.loc,.pill,table.results td:nth-child(2){white-space:nowrap}
            .c-ok{color:var(--ok);font-weight:600}.c-changed{color:var(--changed);font-weight:600}.c-failed{color:var(--failed);font-weight:700}
            .c-unreachable{color:var(--unreachable);font-weight:700}.c-skipped{color:var(--muted)}.c-ignored{color:var(--ignored)}
            .c-rescued{color:#1565c0}
            table.recap{max-width:900px}
            tr.r-failed td.h{border-left:4px solid var(--failed)}tr.r-unreachable td.h{border-left:4px solid var(--unreachable)}
            tr.r-changed td.h{border-left:4px solid var(--changed)}tr.r-ok td.h{border-left:4px solid var(--ok)}
            #failures{border-left:5px solid var(--failed)}#failures.clean{border-left-color:var(--ok)}
            p.none{color:var(--ok);font-weight:600;margin:0}
            article.group{border:1px solid var(--line);border-radius:6px;margin:0 0 14px;overflow:hidden}
            .ghead{display:flex;gap:14px;align-items:baseline;flex-wrap:wrap;background:#fdf1f1;padding:9px 12px;border-bottom:1px solid var(--line)}
            .step{background:var(--failed);color:#fff;border-radius:4px;padding:1px 7px;font-weight:600}
            .gcause{font-weight:600;flex:1;overflow-wrap:anywhere}
            .count{color:var(--muted);white-space:nowrap}
            p.next{margin:0;padding:8px 12px;background:#eef5ff;border-bottom:1px solid var(--line)}
            p.next b{color:#1565c0;margin-right:6px}
            table.fails td,table.fails th{padding-left:12px}
            tr.more td{padding-top:0;background:#fcfcfd}
            details summary{cursor:pointer;color:#1565c0}
            #results>details>summary{list-style-position:outside}
            #results summary h2{margin:0}
            pre.stderr{background:#1e1f24;color:#f1f1f1;padding:10px 12px;border-radius:6px;margin:8px 0 4px;white-space:pre-wrap;
              overflow-wrap:anywhere;max-height:320px;overflow:auto}
            dl.facts{display:flex;flex-wrap:wrap;gap:4px 20px;margin:8px 0 0}
            p.full{color:var(--muted);font-size:12.5px;margin:6px 0 0}
            .legend{display:flex;gap:16px;margin:0 0 8px;color:var(--muted);font-size:12.5px}
            .legend i{display:inline-block;width:12px;height:12px;border-radius:2px;margin-right:5px;vertical-align:-1px}
            svg.timeline{display:block;font-size:12px}
            svg .host{text-anchor:end;fill:var(--ink);font-weight:600}
            svg line.tick{stroke:var(--line)}svg text.tick{fill:var(--muted);text-anchor:middle;font-size:11px}
            svg rect.stripe{fill:#f8f9fb}
            svg .batch rect{stroke:#90a4c8;stroke-width:1}svg .b0 rect{fill:#e3ebf7}svg .b1 rect{fill:#edf2fa}svg .batch text{fill:#30405c;font-size:11px}
            .s-ok{fill:var(--ok);background:var(--ok)}.s-changed{fill:var(--changed);background:var(--changed)}
            .s-failed{fill:var(--failed);background:var(--failed)}.s-unreachable{fill:var(--unreachable);background:var(--unreachable)}
            .s-skipped{fill:var(--skipped);background:var(--skipped)}.s-ignored{fill:var(--ignored);background:var(--ignored)}
            svg rect.bar:hover{opacity:.75}
            .pill{color:#fff;border-radius:4px;padding:1px 7px;font-size:12px;font-weight:600}
            footer{color:var(--muted);font-size:12px;text-align:center}
            .muted{color:var(--muted)}
            """;
}
