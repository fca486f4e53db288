//! The events the app sends the window, declared once each: a payload type and the
//! event's name. The window's typed listeners are generated from the same list.

use crate::error::AppError;
use crate::service::{BackgroundEvent, MediaProgress, SyncProgress, SyncSummary};
use serde::Serialize;
use tauri::{AppHandle, Emitter};

/// A payload the window can listen for, by its event's name.
pub trait Event: Serialize + Clone {
    const NAME: &'static str;
}

/// How a sync the app started by itself ended: `{ summary }` or `{ error }`.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum SyncFinished {
    Summary(SyncSummary),
    Error(AppError),
}

/// Whether the server answers.
#[derive(Debug, Clone, Copy, Serialize, ts_rs::TS)]
pub struct ConnectionChanged {
    pub online: bool,
}

macro_rules! events {
    ($($(#[doc = $doc:literal])* $payload:ty = $name:literal;)*) => {
        $(impl Event for $payload {
            const NAME: &'static str = $name;
        })*

        /// What the bindings generator needs of each event.
        #[cfg(test)]
        pub fn declarations() -> Vec<crate::ipc::EventDeclaration> {
            vec![$(crate::ipc::EventDeclaration {
                name: $name,
                docs: &[$($doc),*],
                payload: crate::ipc::TypeRef::of::<$payload>(),
            }),*]
        }
    };
}

events! {
    /// A running sync's progress.
    SyncProgress = "sync-progress";
    /// A sync the app started by itself (in the background) has ended.
    SyncFinished = "sync-finished";
    /// The server started or stopped answering.
    ConnectionChanged = "connection-changed";
    /// How far a media download has come.
    MediaProgress = "media-progress";
}

/// Sends an event to the window; a window that is gone is only logged.
pub fn emit<E: Event>(app: &AppHandle, event: E) {
    if let Err(error) = app.emit(E::NAME, event) {
        tracing::warn!(error = %error, event = E::NAME, "could not tell the window");
    }
}

/// Reports a sync's progress to the window.
pub fn progress_to(app: AppHandle) -> impl FnMut(stride_sync::Progress) {
    move |progress| emit(&app, SyncProgress::from(progress))
}

/// Sends what the background sync loop reports to the window.
pub fn tell_window(app: &AppHandle, event: BackgroundEvent) {
    match event {
        BackgroundEvent::Connection { online } => emit(app, ConnectionChanged { online }),
        BackgroundEvent::Progress(progress) => emit(app, progress),
        BackgroundEvent::Finished(Ok(summary)) => emit(app, SyncFinished::Summary(summary)),
        BackgroundEvent::Finished(Err(error)) => emit(app, SyncFinished::Error(error)),
    }
}
