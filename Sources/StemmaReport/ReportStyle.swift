/// The report's style sheet, inlined in the page: system fonts only (no web font to fetch), readable in print.
enum ReportStyle {
    static let css = """
        :root { --ink: #101828; --muted: #667085; --line: #e4e7ec; --bg: #f9fafb; --accent: #1849a9; }
        * { box-sizing: border-box; }
        body { margin: 0; color: var(--ink); background: var(--bg);
          font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
        header { background: #0c111d; color: #fff; padding: 18px 32px 0; }
        header h1 { margin: 0; font-size: 22px; font-weight: 650; }
        header .meta { margin: 4px 0 12px; color: #cfd4dc; font-size: 12.5px; }
        header code { color: #fff; }
        nav { display: flex; gap: 4px; }
        nav a { color: #cfd4dc; text-decoration: none; padding: 8px 12px; border-radius: 6px 6px 0 0; }
        nav a:hover { background: var(--bg); color: var(--ink); }
        main { max-width: 1240px; margin: 0 auto; padding: 20px 32px 48px; }
        section { margin-top: 28px; }
        h2 { font-size: 18px; margin: 0 0 10px; padding-bottom: 6px; border-bottom: 1px solid var(--line); }
        h3 { font-size: 15px; margin: 0 0 8px; }
        code { font: 12.5px ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; overflow-wrap: anywhere; }
        a { color: var(--accent); }
        .cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(170px, 1fr)); gap: 12px; }
        .card { background: #fff; border: 1px solid var(--line); border-radius: 10px; padding: 12px 16px; }
        .card .value { display: block; font-size: 28px; font-weight: 700; }
        .card .label { color: var(--muted); }
        .card.bad .value { color: #b42318; } .card.warn .value { color: #b54708; } .card.good .value { color: #067647; }
        .account { background: #fff; border: 1px solid var(--line); border-radius: 10px; padding: 14px 16px;
          margin-bottom: 14px; }
        .account.unowned { border: 2px solid #f79009; background: #fffcf5; }
        .account .count { font-weight: 400; color: var(--muted); font-size: 13px; margin-left: 6px; }
        .alert { background: #fef0c7; color: #7a2e0e; border-radius: 6px; padding: 8px 12px; margin: 0 0 10px; }
        table { width: 100%; border-collapse: collapse; }
        th { text-align: left; font-weight: 600; color: var(--muted); font-size: 12px; text-transform: uppercase;
          letter-spacing: .03em; }
        th, td { padding: 5px 8px; border-bottom: 1px solid var(--line); vertical-align: top; }
        tbody tr:last-child td { border-bottom: 0; }
        td.name { font-weight: 550; overflow-wrap: anywhere; }
        tr.no-owner td:nth-child(4) { background: #fffaeb; }
        tr:target, li:target, article:target { outline: 2px solid var(--accent); outline-offset: 2px; }
        .badge { display: inline-block; border-radius: 999px; padding: 0 8px; font-size: 12px; font-weight: 600;
          line-height: 20px; white-space: nowrap; }
        .badge.none { background: #fef0c7; color: #b54708; }
        .sev-critical { background: #fee4e2; color: #b42318; } .sev-high { background: #ffead5; color: #c4320a; }
        .sev-medium { background: #fef0c7; color: #a15c07; } .sev-low { background: #d1e9ff; color: #175cd3; }
        .sev-unknown, .sev-info { background: #f2f4f7; color: #475467; }
        a .badge { text-decoration: none; }
        .muted { color: var(--muted); } .small { font-size: 12px; } .ok { color: #067647; } .bad { color: #b42318; }
        .note { color: var(--muted); background: #fff; border: 1px dashed var(--line); border-radius: 8px;
          padding: 10px 14px; }
        figure.graph { margin: 12px 0 20px; background: #fff; border: 1px solid var(--line); border-radius: 10px;
          padding: 10px; overflow-x: auto; }
        figure.graph svg { display: block; max-width: none; height: auto; }
        figcaption { color: var(--muted); font-size: 12.5px; margin-top: 6px; }
        svg.answer .edge { fill: none; stroke-width: 1.3; opacity: .8; }
        svg.answer .relation { font-size: 9px; text-anchor: middle; paint-order: stroke; stroke: #fff; stroke-width: 3px; }
        svg.answer .node text { font-size: 11px; text-anchor: middle; fill: #101828; }
        svg.answer .node rect { stroke-width: 1.2; }
        svg.answer .node.flagged rect { stroke-width: 3; }
        svg.answer .node.flagged text { font-weight: 700; }
        svg.answer a:hover rect { stroke-width: 2.5; }
        article.flag { background: #fff; border: 1px solid var(--line); border-radius: 10px; padding: 14px 16px;
          margin-bottom: 14px; }
        .reason { margin: 0 0 6px; }
        ol.hits { margin: 6px 0 0; padding-left: 22px; }
        ol.hits li { margin: 6px 0; }
        .path { font-size: 12.5px; margin-top: 2px; color: #344054; }
        .path .step { background: #f2f4f7; border-radius: 4px; padding: 1px 6px; overflow-wrap: anywhere; }
        .path .step.agent { background: #eff4ff; }
        .path .rel { color: var(--muted); font-size: 11.5px; }
        table.posture { table-layout: fixed; }
        table.posture th:nth-child(1) { width: 40px; } table.posture th:nth-child(2) { width: 24%; }
        table.posture th:nth-child(3) { width: 12%; } table.posture th:nth-child(5) { width: 38%; }
        table.posture td { overflow-wrap: anywhere; } table.posture td:nth-child(4) { font-size: 12.5px; }
        table.posture td.rank { font-weight: 700; font-size: 16px; }
        table.posture tr.worst-critical td.rank { color: #b42318; } table.posture tr.worst-high td.rank { color: #c4320a; }
        ul.grants { margin: 0; padding-left: 16px; font-size: 12.5px; }
        .cap { background: #f4ebff; color: #6941c6; border-radius: 4px; padding: 0 5px; font-size: 11.5px; }
        details summary { cursor: pointer; color: var(--muted); }
        @media print { header { background: none; color: var(--ink); } nav { display: none; } }
        """
}
