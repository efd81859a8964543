import SetlistCore
import Testing

@testable import SetlistEngine

@Suite("MediaDownloader")
struct MediaDownloaderTests {
    @Test(arguments: [
        ("https://cdn.example/a/b.mp3", MediaKind.audio, "mp3"),
        ("https://cdn.example/a/b.WAV?sig=1", .audio, "wav"),
        ("https://cdn.example/a/../../etc/passwd", .audio, "mp3"),
        ("https://cdn.example/track", .audio, "mp3"),
        ("https://cdn.example/c.png", .cover, "png"),
        ("https://cdn.example/c.exe", .cover, "jpeg"),
    ])
    func extensionsComeFromAFixedList(url: String, kind: MediaKind, expected: String) {
        #expect(MediaDownloader.fileExtension(for: kind, url: url) == expected)
    }
}
