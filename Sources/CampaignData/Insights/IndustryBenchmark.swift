/// Published average open and click rates for one industry, to compare a campaign with.
public struct IndustryBenchmark: Sendable, Equatable {
    /// The value of `benchmark_industry` in the config file.
    public var id: String
    /// The industry as the source names it.
    public var name: String
    /// Average unique open rate, in percent as published (`15.68`).
    public var openPercent: Double
    /// Average click rate, in percent as published (`2.01`).
    public var clickPercent: Double

    public init(id: String, name: String, openPercent: Double, clickPercent: Double) {
        self.id = id
        self.name = name
        self.openPercent = openPercent
        self.clickPercent = clickPercent
    }

    /// The open rate as a fraction, comparable with `Rates.open`.
    public var openRate: Double { openPercent / 100 }
    /// The click rate as a fraction, comparable with `Rates.click`.
    public var clickRate: Double { clickPercent / 100 }

    /// Who published the figures.
    public static let source = "Mailchimp, “Email Marketing Benchmarks and Statistics by Industry”"
    /// The date of the data, as the source states it.
    public static let dataAsOf = "October 2019"
    public static let sourceURL = "https://mailchimp.com/resources/email-marketing-benchmarks/"
    /// Why the open-rate figures need care today.
    public static let caveat = "These averages predate Apple Mail Privacy Protection (September 2021), which loads "
        + "tracking images automatically and so inflates open rates measured since; compare opens with care."

    /// `source (data as of October 2019)`.
    public static var citation: String { "\(source) (data as of \(dataAsOf))" }

    /// The id used when the config names none.
    public static let defaultID = "all-industries"

    /// The industries Funnelmark ships: figures from the source's October 2019 table,
    /// plus its all-industries average. Industries we could not verify are left out.
    public static let all: [IndustryBenchmark] = [
        IndustryBenchmark(id: "all-industries", name: "all industries", openPercent: 21.33, clickPercent: 2.62),
        IndustryBenchmark(id: "non-labeled", name: "All non-labeled accounts", openPercent: 22.71, clickPercent: 2.91),
        IndustryBenchmark(id: "business-and-finance", name: "Business and Finance", openPercent: 21.56, clickPercent: 2.72),
        IndustryBenchmark(id: "computers-and-electronics", name: "Computers and Electronics", openPercent: 19.29, clickPercent: 2.08),
        IndustryBenchmark(id: "e-commerce", name: "E-Commerce", openPercent: 15.68, clickPercent: 2.01),
        IndustryBenchmark(id: "education-and-training", name: "Education and Training", openPercent: 23.42, clickPercent: 2.90),
        IndustryBenchmark(id: "health-and-fitness", name: "Health and Fitness", openPercent: 21.48, clickPercent: 2.69),
        IndustryBenchmark(id: "hobbies", name: "Hobbies", openPercent: 27.74, clickPercent: 5.01),
        IndustryBenchmark(id: "marketing-and-advertising", name: "Marketing and Advertising", openPercent: 17.38, clickPercent: 2.04),
        IndustryBenchmark(id: "media-and-publishing", name: "Media and Publishing", openPercent: 22.15, clickPercent: 4.62),
        IndustryBenchmark(id: "nonprofit", name: "Non-Profit", openPercent: 25.17, clickPercent: 2.79),
        IndustryBenchmark(id: "restaurant", name: "Restaurant", openPercent: 19.77, clickPercent: 1.34),
        IndustryBenchmark(id: "retail", name: "Retail", openPercent: 18.39, clickPercent: 2.25),
        IndustryBenchmark(id: "software-and-web-app", name: "Software and Web App", openPercent: 21.29, clickPercent: 2.45),
        IndustryBenchmark(id: "travel-and-transportation", name: "Travel and Transportation", openPercent: 20.44, clickPercent: 2.25),
    ]

    /// The industry with this id.
    public static func named(_ id: String) -> IndustryBenchmark? { all.first { $0.id == id } }

    /// "the Mailchimp average for E-Commerce" / "the Mailchimp average across all industries".
    var phrase: String {
        id == "all-industries" ? "the Mailchimp average across all industries" : "the Mailchimp average for \(name)"
    }

    /// "the E-Commerce average" / "the all-industries average", for titles.
    var averageTitle: String {
        id == "all-industries" ? "the all-industries average" : "the \(name) average"
    }

    /// `15.68%` exactly as published.
    static func published(_ percent: Double) -> String { FigureText.fixed(percent, decimals: 2) + "%" }
}
