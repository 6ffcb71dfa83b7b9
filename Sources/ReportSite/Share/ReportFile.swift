import CampaignData
import Foundation

/// Finding the one campaign a shareable report is for.
public enum CampaignLookup {
    /// How many known ids an "unknown id" error lists.
    static let listed = 8

    /// The report for `id` and its slug (the same slug the site gives it).
    ///
    /// An unknown id is bad input (exit 65): the error names the id, suggests
    /// a near match (other case, or the page's slug) and lists known ids.
    public static func find(_ id: String, in dataset: Dataset, dataDirectory: String) throws(InputError) -> (report: CampaignReport, slug: String) {
        let ids = dataset.reports.map(\.campaign.id)
        let slugs = Slugs.assign(ids)
        if let i = ids.firstIndex(of: id) { return (dataset.reports[i], slugs[i]) }

        let path = dataDirectory.hasSuffix("/") ? dataDirectory + "campaigns.json" : dataDirectory + "/campaigns.json"
        guard !ids.isEmpty else {
            throw InputError(.invalid, path: path, "no campaign with id \(quoted(id)); the data holds no campaigns")
        }
        var message = "no campaign with id \(quoted(id))"
        let near = ids.indices.filter { ids[$0].lowercased() == id.lowercased() || slugs[$0] == id }
        if let first = near.first { message += " (did you mean \(quoted(ids[first]))?)" }
        let shown = ids.prefix(listed).map { quoted($0) }.joined(separator: ", ")
        let more = ids.count > listed ? " and \(ids.count - listed) more" : ""
        message += "; expected one of \(shown)\(more)"
        throw InputError(.invalid, path: path, message)
    }
}

/// Writing a single output file so that a failure leaves any previous file intact.
public enum ReportFile {
    /// Writes `text` to a temporary file in the destination's folder, then
    /// renames it over `path` (atomic on POSIX file systems). Exit 73 on failure.
    public static func write(_ text: String, to path: String) throws(OutputError) {
        let fm = FileManager.default
        let url = URL(fileURLWithPath: path)
        let folder = url.deletingLastPathComponent().path
        var isDirectory: ObjCBool = false
        if fm.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
            throw OutputError(path: path, message: "is a folder; expected a file name to write the report to")
        }
        guard fm.fileExists(atPath: folder, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw OutputError(path: path, message: "cannot write: folder \(quoted(folder)) does not exist")
        }
        let temporary = folder + "/." + url.lastPathComponent + ".tmp-\(ProcessInfo.processInfo.processIdentifier)"
        guard fm.createFile(atPath: temporary, contents: Data(text.utf8)) else {
            throw OutputError(path: path, message: "cannot write: folder \(quoted(folder)) is not writable")
        }
        guard rename(temporary, path) == 0 else {
            let reason = String(cString: strerror(errno))
            try? fm.removeItem(atPath: temporary)
            throw OutputError(path: path, message: "cannot replace the file: \(reason)")
        }
    }
}
