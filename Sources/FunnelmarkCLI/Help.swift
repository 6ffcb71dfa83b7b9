/// Help texts, one per command.
enum Help {
    static let version = "0.1.0"

    static let main = """
    funnelmark \(version): email-campaign data to a static, shareable report site.

    Usage:
      funnelmark build    --data DIR [--out DIR] [--templates DIR] [--config FILE] [--skip-bad-rows] [--strict-templates] [--full] [--quiet]
      funnelmark report   ID --data DIR [-o FILE] [--email] [--templates DIR] [--config FILE]
      funnelmark metrics  --data DIR [--format json|csv] [--config FILE] [--skip-bad-rows]
      funnelmark check    --data DIR
      funnelmark mustache TEMPLATE --context FILE.json [--partials DIR]
      funnelmark --help | --version

    Run 'funnelmark COMMAND --help' for a command's options.

    Exit codes: 0 success, 64 bad usage, 65 bad input data or template,
    66 missing input, 73 output cannot be written, 1 anything else.

    """

    static let build = """
    Usage: funnelmark build --data DIR [--out DIR] [--templates DIR] [--config FILE] [--skip-bad-rows] [--strict-templates] [--full] [--quiet]

    Builds the report site: index.html, campaigns/<slug>.html, assets/, metrics.json
    and metrics.csv. The site is built beside the output folder and swapped in, so a
    failed build leaves the previous output exactly as it was.

      --data DIR        folder with campaigns.json and optional events*.csv / events*.jsonl / events/
      --out DIR         output folder (default: Output)
      --templates DIR   templates that override the built-in ones, file by file
      --config FILE     insight thresholds, benchmark industry and history window (JSON)
      --skip-bad-rows   skip malformed event rows (counted and reported) instead of stopping
      --strict-templates  a name a template uses that the context lacks is an error
      --full            rebuild every page even if an earlier build can be updated
      --quiet           print nothing on success (no progress either)

    """

    static let report = """
    Usage: funnelmark report ID --data DIR [-o FILE | -o -] [--email] [--templates DIR] [--config FILE] [--skip-bad-rows]

    Writes one self-contained HTML report for campaign ID: CSS inlined, charts inline,
    the favicon as a data URI, no request to any other file or host. With --email, an
    email-safe body instead: table layout with inline styles, no SVG, no script, under
    102 KB. Prints to stdout without -o (or with -o -); -o FILE is written atomically.
    An ID that is not in campaigns.json exits 65 and lists the known ids.

    """

    static let metrics = """
    Usage: funnelmark metrics --data DIR [--format json|csv] [--config FILE] [--skip-bad-rows]

    Prints every campaign's counts, rates, funnel, links and insights (default: json).

    """

    static let check = """
    Usage: funnelmark check --data DIR

    Validates the data folder and lists problems and warnings. Exit 0 when the data
    can be built, 65 when it cannot.

    """

    static let mustache = """
    Usage: funnelmark mustache TEMPLATE --context FILE.json [--partials DIR]

    Renders a plain Mustache template with a JSON context to stdout, exactly (no added
    newline, no escaping beyond Mustache's own). {{> name}} resolves to DIR/name.mustache.

    """

    static func text(for command: String) -> String {
        switch command {
        case "build": return build
        case "report": return report
        case "metrics": return metrics
        case "check": return check
        case "mustache": return mustache
        default: return main
        }
    }
}
