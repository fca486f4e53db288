//! How the window and Rust speak, declared once. Each command is one entry of
//! [`commands!`] (in `commands.rs` or `authoring_commands.rs`) and each event one entry of
//! `events!` (in `events.rs`); from that entry come the Tauri command, its place in the
//! invoke handler, and its typed call or listener in ui/src/lib/bindings.ts, which
//! `bindings.rs` generates.

/// Declares the window's commands: for each, the Tauri command and (for the bindings) its
/// name, documentation, argument types and result type. The kinds:
/// - `= run |service| …`: store work, on the blocking pool (`AppState::run`);
/// - `= online |app, service| …`: async work that talks to the network and may report
///   progress through the app handle;
/// - `= shell |state| …`: async work on the app's state itself (starting over when the
///   device's data cannot be opened, so there is no service to ask).
///
/// `run` and `online` refuse with `locked` while the app is locked (`service/people.rs`);
/// `run_while_locked` and `online_while_locked` are the lock screen's own: they say what
/// it shows, unlock, or add a person.
macro_rules! commands {
    ($(
        $(#[doc = $doc:literal])*
        fn $name:ident($($arg:ident: $ty:ty),* $(,)?) -> $ret:ty = $kind:ident |$($param:ident),+| $body:expr;
    )*) => {
        $(commands!(@command [$(#[doc = $doc])*] $name ($($arg: $ty),*) -> $ret = $kind |$($param),+| $body);)*

        /// The names of this module's commands, as the window sends them.
        pub const NAMES: &[&str] = &[$(stringify!($name)),*];

        /// Dispatches an invoke to this module's commands.
        pub fn handler() -> impl Fn(tauri::ipc::Invoke<tauri::Wry>) -> bool + Send + Sync + 'static {
            tauri::generate_handler![$($name),*]
        }

        /// What the bindings generator needs of each command.
        #[cfg(test)]
        pub fn declarations() -> Vec<$crate::ipc::CommandDeclaration> {
            vec![$($crate::ipc::CommandDeclaration {
                name: stringify!($name),
                docs: &[$($doc),*],
                arguments: vec![$((stringify!($arg), $crate::ipc::TypeRef::of::<$ty>())),*],
                returns: $crate::ipc::TypeRef::of::<$ret>(),
            }),*]
        }
    };
    (@command [$($doc:tt)*] $name:ident ($($arg:ident: $ty:ty),*) -> $ret:ty = run |$service:ident| $body:expr) => {
        commands!(@command [$($doc)*] $name ($($arg: $ty),*) -> $ret = run_while_locked |$service| {
            $service.require_unlocked()?;
            $body
        });
    };
    (@command [$($doc:tt)*] $name:ident ($($arg:ident: $ty:ty),*) -> $ret:ty = run_while_locked |$service:ident| $body:expr) => {
        $($doc)*
        #[tauri::command]
        pub async fn $name(
            state: tauri::State<'_, $crate::state::AppState>,
            $($arg: $ty),*
        ) -> Result<$ret, $crate::error::AppError> {
            state.run(move |$service| $body).await
        }
    };
    (@command [$($doc:tt)*] $name:ident ($($arg:ident: $ty:ty),*) -> $ret:ty = online |$app:ident, $service:ident| $body:expr) => {
        commands!(@command [$($doc)*] $name ($($arg: $ty),*) -> $ret = online_while_locked |$app, $service| {
            $service.require_unlocked()?;
            $body
        });
    };
    (@command [$($doc:tt)*] $name:ident ($($arg:ident: $ty:ty),*) -> $ret:ty = online_while_locked |$app:ident, $service:ident| $body:expr) => {
        $($doc)*
        #[tauri::command]
        pub async fn $name(
            app: tauri::AppHandle,
            state: tauri::State<'_, $crate::state::AppState>,
            $($arg: $ty),*
        ) -> Result<$ret, $crate::error::AppError> {
            let $app = app;
            let $service = state.service()?;
            $body
        }
    };
    (@command [$($doc:tt)*] $name:ident ($($arg:ident: $ty:ty),*) -> $ret:ty = shell |$state:ident| $body:expr) => {
        $($doc)*
        #[tauri::command]
        pub async fn $name(
            $state: tauri::State<'_, $crate::state::AppState>,
            $($arg: $ty),*
        ) -> Result<$ret, $crate::error::AppError> {
            $body
        }
    };
}
pub(crate) use commands;

/// Bytes sent raw (an ArrayBuffer in the window), not as a JSON array of numbers.
#[derive(ts_rs::TS)]
pub struct RawBytes(#[ts(type = "ArrayBuffer")] pub Vec<u8>);

impl tauri::ipc::IpcResponse for RawBytes {
    fn body(self) -> tauri::Result<tauri::ipc::InvokeResponseBody> {
        Ok(tauri::ipc::InvokeResponseBody::Raw(self.0))
    }
}

/// A type that crosses IPC, as the bindings generator sees it.
#[cfg(test)]
pub struct TypeRef {
    /// Its name in TypeScript.
    pub name: fn(&ts_rs::Config) -> String,
    /// Hands it to a collector of declarations.
    pub visit: fn(&mut Declarations),
}

#[cfg(test)]
impl TypeRef {
    pub fn of<T: ts_rs::TS + 'static>() -> Self {
        Self { name: T::name, visit: Declarations::add::<T> }
    }
}

/// One command, as the bindings generator sees it.
#[cfg(test)]
pub struct CommandDeclaration {
    pub name: &'static str,
    pub docs: &'static [&'static str],
    pub arguments: Vec<(&'static str, TypeRef)>,
    pub returns: TypeRef,
}

/// One event, as the bindings generator sees it.
#[cfg(test)]
pub struct EventDeclaration {
    pub name: &'static str,
    pub docs: &'static [&'static str],
    pub payload: TypeRef,
}

/// The declarations of the types reached so far, each once, by name (ts-rs visits a
/// type's dependencies in an order that changes from build to build).
#[cfg(test)]
pub struct Declarations {
    config: ts_rs::Config,
    visited: std::collections::HashSet<std::any::TypeId>,
    declared: std::collections::BTreeMap<String, String>,
}

#[cfg(test)]
impl Declarations {
    pub fn new() -> Self {
        // serde sends 64-bit integers as plain JSON numbers.
        let config = ts_rs::Config::new().with_large_int("number");
        Self { config, visited: std::collections::HashSet::new(), declared: std::collections::BTreeMap::new() }
    }

    pub fn config(&self) -> &ts_rs::Config {
        &self.config
    }

    /// The declarations, by name.
    pub fn text(&self) -> String {
        self.declared.values().cloned().collect::<Vec<_>>().join("\n")
    }

    /// Declares `T` (when it is a named type) and everything it holds.
    pub fn add<T: ts_rs::TS + 'static + ?Sized>(&mut self) {
        if !self.visited.insert(std::any::TypeId::of::<T>()) {
            return;
        }
        // A generic type is declared once, with its parameters (`Page<T>`).
        if T::output_path().is_some() {
            self.declared.entry(T::ident(&self.config)).or_insert_with(|| {
                let docs = T::docs().map(|docs| format!("{docs}\n")).unwrap_or_default();
                format!("{docs}export {}\n", T::decl(&self.config))
            });
        }
        T::visit_dependencies(self);
        T::visit_generics(self);
    }
}

#[cfg(test)]
impl ts_rs::TypeVisitor for Declarations {
    fn visit<T: ts_rs::TS + 'static + ?Sized>(&mut self) {
        self.add::<T>();
    }
}
