/// The UTM parameters in a URL's query (`utm_source`, `utm_medium`,
/// `utm_campaign`, `utm_term`, `utm_content`), percent-decoded, with `+` read
/// as a space (form encoding, as analytics tools read it). The first
/// occurrence of a name wins; an empty value counts as absent; names are
/// case-sensitive. Empty when the URL has none.
public func utmParameters(of url: String) -> UTMParameters {
    UTMParameters(linkURL: url)
}
