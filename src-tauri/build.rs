fn main() {
    // The app package's manifest is at the repository root, so tauri-build is told where
    // the capability files are (its default is ./capabilities beside the manifest).
    let attributes = tauri_build::Attributes::new().capabilities_path_pattern("./src-tauri/capabilities/**/*");
    if let Err(error) = tauri_build::try_build(attributes) {
        panic!("tauri-build failed: {error:#}");
    }
}
