// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "Funnelmark",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "funnelmark", targets: ["funnelmark"]),
    ],
    targets: [
        // The C reference implementation of CommonMark, from Debian's libcmark-dev.
        .systemLibrary(
            name: "Ccmark",
            pkgConfig: "libcmark",
            providers: [.apt(["libcmark-dev"])]
        ),
        // Byte copying shared by the text builders of the modules below.
        .target(name: "Bytes"),
        // The template engine: knows nothing of campaigns or HTML.
        .target(name: "Mustache", dependencies: ["Bytes"]),
        // Model, loaders, event aggregation, metrics, funnel, insights: knows nothing of HTML.
        .target(name: "CampaignData", dependencies: ["Bytes"]),
        // View model, Markdown over cmark, SVG charts, layout, site writer.
        .target(
            name: "ReportSite",
            dependencies: ["Bytes", "Mustache", "CampaignData", "Ccmark"],
            plugins: ["EmbedResourcesPlugin"]
        ),
        .target(name: "FunnelmarkCLI", dependencies: ["Mustache", "CampaignData", "ReportSite"]),
        // mimalloc (Debian libmimalloc-dev) replaces glibc's malloc in the binary: page rendering
        // allocates many small strings on both cores, and glibc's arenas spent about a sixth of the
        // build's CPU time there (see Benchmarks/README.md).
        .executableTarget(name: "funnelmark", dependencies: ["FunnelmarkCLI"], linkerSettings: [.linkedLibrary("mimalloc")]),

        // Benchmark tool: the Markdown of every campaign page, as Hugo content (Benchmarks/hugo_site.py).
        .executableTarget(name: "funnelmark-hugo-content", dependencies: ["CampaignData", "ReportSite"], path: "Benchmarks/HugoContent"),

        // Build-time tool: compiles Templates/ and Assets/ into the binary.
        .executableTarget(name: "EmbedResources"),
        .plugin(name: "EmbedResourcesPlugin", capability: .buildTool(), dependencies: ["EmbedResources"]),

        .testTarget(name: "MustacheTests", dependencies: ["Mustache"]),
        .testTarget(name: "CampaignDataTests", dependencies: ["CampaignData"]),
        .testTarget(name: "ReportSiteTests", dependencies: ["ReportSite", "CampaignData", "Mustache"]),
        .testTarget(name: "FunnelmarkCLITests", dependencies: ["FunnelmarkCLI", "ReportSite", "CampaignData"], exclude: ["Golden"]),
    ]
)
