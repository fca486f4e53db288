//! Media files an organization's sync server keeps: how content names one, which names
//! are files, and each file's type. The server serves them and the app downloads and
//! plays them by the same rules.

/// The path under which the server serves its media; a content item whose `media_url`
/// is `/v1/media/NAME` points at a file of its own organization's server.
pub const MEDIA_PATH: &str = "/v1/media/";

/// Whether a name may name a media file: letters, digits, dots, dashes and underscores,
/// starting with a letter or digit, at most 200 (no folders, nothing hidden).
pub fn valid_name(name: &str) -> bool {
    (1..=200).contains(&name.len())
        && name.chars().next().is_some_and(|c| c.is_ascii_alphanumeric())
        && name.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
}

/// A media file's type, from its name's extension.
pub fn content_type_of(name: &str) -> &'static str {
    let extension = name.rsplit_once('.').map(|(_, ext)| ext.to_ascii_lowercase()).unwrap_or_default();
    match extension.as_str() {
        "mp4" => "video/mp4",
        "webm" => "video/webm",
        "mp3" => "audio/mpeg",
        "wav" => "audio/wav",
        "ogg" | "oga" => "audio/ogg",
        "md" | "markdown" => "text/markdown; charset=utf-8",
        "txt" => "text/plain; charset=utf-8",
        "json" => "application/json",
        "html" => "text/html; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "pdf" => "application/pdf",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn names_are_plain_file_names() {
        for good in ["lifting.mp4", "Safety_quiz-2.json", "a"] {
            assert!(super::valid_name(good), "{good}");
        }
        for bad in ["", "../etc/passwd", ".hidden", "a/b", "a b", "é.mp4", &"x".repeat(201)] {
            assert!(!super::valid_name(bad), "{bad}");
        }
        assert_eq!(super::content_type_of("breathing.MP3"), "audio/mpeg");
        assert_eq!(super::content_type_of("notes"), "application/octet-stream");
    }
}
