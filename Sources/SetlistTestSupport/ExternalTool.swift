import Foundation

/// Runs a tool found on the `PATH` (an independent reader such as `python3`, `ffprobe` or `promtool`) and
/// waits for it.
public enum ExternalTool {
    /// The tool's exit status; its output is discarded.
    public static func status(_ arguments: [String]) throws -> Int32 {
        try run(arguments).status
    }

    /// The tool's standard output; a non-zero exit throws.
    public static func output(_ arguments: [String]) throws -> Data {
        let result = try run(arguments)
        guard result.status == 0 else { throw Failed(arguments: arguments, status: result.status) }
        return result.output
    }

    /// Whether every command in `probes` (such as `["ffprobe", "-version"]`) exits 0.
    public static func available(_ probes: [[String]]) -> Bool {
        probes.allSatisfy { (try? status($0)) == 0 }
    }

    /// A tool exited with a non-zero status.
    public struct Failed: Error, CustomStringConvertible {
        /// The command.
        public var arguments: [String]
        /// Its exit status.
        public var status: Int32

        /// A sentence for the test log.
        public var description: String { "\(arguments.joined(separator: " ")) exited with status \(status)" }
    }

    private static func run(_ arguments: [String]) throws -> (status: Int32, output: Data) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, data)
    }
}

/// Reads audio files' tags and lengths with independent tools: python `mutagen` for the ID3 tag (of an MP3, or
/// in a WAV's `id3 ` chunk) and `ffprobe` for decoding.
public enum TagReader {
    private static let script = """
        import json, subprocess, sys
        import mutagen
        tracks = {}
        for path in sys.argv[1:]:
            tag = mutagen.File(path).tags
            frames = {}
            for key, frame in (tag.items() if tag is not None else []):
                if key.startswith('APIC'):
                    frames['APIC'] = {'mime': frame.mime, 'type': int(frame.type), 'bytes': len(frame.data)}
                elif key.startswith('USLT'):
                    frames['USLT'] = frame.text
                elif key.startswith('TXXX'):
                    frames['TXXX:' + frame.desc] = str(frame.text[0])
                else:
                    frames[key] = str(frame.text[0])
            probe = subprocess.run(
                ['ffprobe', '-v', 'error', '-show_entries', 'format=duration,format_name', '-of', 'json', path],
                capture_output=True, text=True)
            found = json.loads(probe.stdout).get('format', {}) if probe.returncode == 0 else {}
            frames['version'] = '.'.join(str(part) for part in tag.version) if tag is not None else ''
            frames['duration'] = float(found.get('duration', -1))
            frames['format'] = found.get('format_name', '')
            tracks[path.rsplit('/', 1)[-1]] = frames
        print(json.dumps(tracks))
        """

    /// True when python3 has mutagen and ffprobe is on the path.
    public static let isAvailable = ExternalTool.available([
        ["python3", "-c", "import mutagen"], ["ffprobe", "-version"],
    ])

    /// Every file's frames (and `duration`, `format`, `version`) by file name.
    public static func read(_ files: [URL]) throws -> [String: [String: Any]] {
        let output = try ExternalTool.output(["python3", "-c", script] + files.map(\.path))
        return try JSONSerialization.jsonObject(with: output) as? [String: [String: Any]] ?? [:]
    }
}
