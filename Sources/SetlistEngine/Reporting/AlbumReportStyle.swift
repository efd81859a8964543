extension AlbumReport {
    /// The page's CSS: system fonts only, a dark theme that follows the reader's light preference, and a
    /// layout that folds to one column on narrow screens.
    static let styleSheet = """
        :root {
          color-scheme: dark light;
          --bg: #12131a; --panel: #1b1d27; --panel-2: #232635; --text: #eceef6; --muted: #9aa0b8;
          --line: #2e3244; --accent: #f2a65a; --accent-2: #7cc6fe; --ok: #5fd39a; --bad: #ff6b6b; --warn: #f7d35c;
          font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
          font-size: 16px; line-height: 1.5; background: var(--bg); color: var(--text);
        }
        @media (prefers-color-scheme: light) {
          :root { --bg: #f6f5f2; --panel: #ffffff; --panel-2: #f0eee9; --text: #1d1e26; --muted: #676b7e;
                  --line: #e1ded6; --accent: #c96a14; --accent-2: #1f6fb2; --ok: #1f8f5a; --bad: #c43d3d;
                  --warn: #9a7a00; }
        }
        * { box-sizing: border-box; }
        body { margin: 0; }
        a { color: var(--accent-2); text-decoration: none; }
        a:hover { text-decoration: underline; }
        code { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 0.85em; }
        .hero { display: flex; gap: 32px; align-items: flex-end; padding: 48px max(24px, calc(50vw - 520px)) 32px;
                background: linear-gradient(180deg, var(--panel-2), var(--bg)); }
        .hero h1 { font-size: clamp(2rem, 5vw, 3.6rem); line-height: 1.05; margin: 4px 0 12px;
                  letter-spacing: -0.02em; }
        .eyebrow { text-transform: uppercase; letter-spacing: 0.18em; font-size: 0.75rem; color: var(--muted);
                   margin: 0; }
        .facts { color: var(--muted); margin: 0; }
        main { max-width: 1088px; margin: 0 auto; padding: 0 24px 48px; }
        h2 { font-size: 1.35rem; margin: 40px 0 16px; border-bottom: 1px solid var(--line); padding-bottom: 8px; }
        .cover { width: 132px; height: 132px; border-radius: 10px; object-fit: cover; flex: none;
                 box-shadow: 0 8px 24px rgba(0, 0, 0, 0.35); background: var(--panel-2); }
        .cover.large { width: 220px; height: 220px; border-radius: 14px; }
        .placeholder { display: flex; align-items: center; justify-content: center; color: rgba(255, 255, 255, 0.92);
                       font-weight: 700; font-size: 2.4rem;
                       background: linear-gradient(135deg, hsl(var(--hue) 62% 46%),
                                   hsl(calc(var(--hue) + 48) 58% 28%)); }
        .cover.large.placeholder { font-size: 4.5rem; }
        .tracks { list-style: none; margin: 0; padding: 0; display: grid; gap: 16px; }
        .track { display: flex; gap: 20px; padding: 18px; background: var(--panel); border: 1px solid var(--line);
                 border-radius: 14px; }
        .track-body { flex: 1; min-width: 0; }
        .track-head { display: flex; align-items: baseline; gap: 12px; flex-wrap: wrap; }
        .track-number { color: var(--accent); font-weight: 700; font-variant-numeric: tabular-nums; }
        .track h3 { margin: 0; font-size: 1.2rem; }
        .style { color: var(--muted); margin: 4px 0 6px; }
        .voice { margin: 4px 0 8px; font-size: 0.92rem; }
        .takes { display: grid; grid-template-columns: repeat(auto-fit, minmax(280px, 1fr)); gap: 12px;
                 margin-top: 10px; }
        .take { background: var(--panel-2); border-radius: 10px; padding: 10px 12px; }
        .take.pick { border: 1px solid var(--accent); }
        .pick-mark { font-size: 0.72rem; text-transform: uppercase; letter-spacing: 0.06em; padding: 1px 8px;
                     margin-right: 6px; border-radius: 999px; background: var(--accent); color: var(--bg); }
        .takes-label { color: var(--muted); font-size: 0.85rem; margin: 12px 0 0; }
        .take-head { display: flex; justify-content: space-between; gap: 8px; font-size: 0.9rem; margin-bottom: 6px; }
        .take-title { overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
        .duration { color: var(--muted); font-variant-numeric: tabular-nums; }
        audio { width: 100%; height: 36px; }
        .tags { list-style: none; padding: 0; margin: 8px 0 0; display: flex; flex-wrap: wrap; gap: 6px; }
        .tags li { font-size: 0.75rem; padding: 2px 8px; border-radius: 999px; border: 1px solid var(--line);
                   color: var(--muted); }
        .note { color: var(--muted); font-style: italic; margin: 6px 0; }
        .error { color: var(--bad); margin: 6px 0; }
        .error-cell { color: var(--bad); }
        .badge { font-size: 0.72rem; text-transform: uppercase; letter-spacing: 0.06em; padding: 2px 8px;
                 border-radius: 999px; border: 1px solid currentColor; color: var(--muted); white-space: nowrap; }
        .state-completed { color: var(--ok); }
        .state-failed, .state-jobs-failed, .state-authentication-rejected, .state-out-of-credits,
        .state-internal-error, .state-ledger-unwritable { color: var(--bad); }
        .state-blocked, .state-unknown, .state-budget-reached, .state-deadline-reached, .state-interrupted,
        .state-provider-unreachable, .state-did-not-finish { color: var(--warn); }
        .state-running, .state-submitting { color: var(--accent-2); }
        .lineage { display: block; max-width: 100%; height: auto; margin: 8px 0; }
        .lineage .node rect { fill: var(--panel); stroke: var(--line); stroke-width: 1.5; }
        .lineage .node.persona rect { fill: var(--panel-2); stroke: var(--accent); }
        .lineage .node.external rect { stroke-dasharray: 5 4; }
        .lineage a:hover rect { stroke: var(--accent-2); }
        .lineage .label { fill: var(--text); font-size: 14px; font-weight: 600; }
        .lineage .detail { fill: var(--muted); font-size: 12px; }
        .lineage .edge { fill: none; stroke-width: 2; }
        .lineage .edge.source { stroke: var(--accent); }
        .lineage .edge.voice { stroke: var(--accent-2); }
        .lineage .edge.style { stroke: var(--accent-2); stroke-dasharray: 6 5; }
        .lineage .arrowhead { fill: var(--muted); }
        .legend { color: var(--muted); font-size: 0.85rem; display: flex; align-items: center; gap: 8px;
                  flex-wrap: wrap; }
        .key { display: inline-block; width: 28px; height: 0; border-top: 2px solid var(--accent); margin-left: 8px; }
        .key.voice { border-color: var(--accent-2); }
        .key.style { border-top: 2px dashed var(--accent-2); }
        .personas { padding-left: 20px; }
        .personas li { margin-bottom: 12px; }
        .muted { color: var(--muted); }
        .table-wrap { overflow-x: auto; }
        table { border-collapse: collapse; width: 100%; font-size: 0.9rem; }
        th, td { text-align: left; padding: 8px 10px; border-bottom: 1px solid var(--line); vertical-align: top; }
        th { color: var(--muted); font-weight: 600; white-space: nowrap; }
        td code { white-space: nowrap; }
        footer { color: var(--muted); font-size: 0.8rem; text-align: center; padding: 24px; }
        @media (max-width: 640px) {
          .hero { flex-direction: column; align-items: flex-start; }
          .track { flex-direction: column; }
          .cover.large { width: 160px; height: 160px; }
        }
        """
}
