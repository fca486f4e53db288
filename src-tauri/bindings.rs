//! The window's typed view of Rust, generated into ui/src/lib/bindings.ts: every type that
//! crosses IPC (found by walking each command's and event's types and what they hold),
//! a typed call per command and a typed listener per event, all from their declarations
//! in `commands!` and `events!`. The file is committed; the test below fails when it is
//! stale. Regenerate with `make bindings`.

#[cfg(test)]
use crate::ipc::Declarations;
#[cfg(test)]
use std::fmt::Write;

#[cfg(test)]
fn camel_case(snake: &str) -> String {
    let mut words = snake.split('_');
    let first = words.next().unwrap_or_default().to_owned();
    words.fold(first, |mut camel, word| {
        let mut letters = word.chars();
        if let Some(initial) = letters.next() {
            camel.extend(initial.to_uppercase());
            camel.push_str(letters.as_str());
        }
        camel
    })
}

/// `sync-progress` → `onSyncProgress`.
#[cfg(test)]
fn listener_name(event: &str) -> String {
    camel_case(&format!("on_{}", event.replace('-', "_")))
}

#[cfg(test)]
fn doc_comment(lines: &[&str], indent: &str) -> String {
    match lines {
        [] => String::new(),
        [line] => format!("{indent}/** {} */\n", line.trim()),
        lines => {
            let body: String = lines.iter().map(|line| format!("{indent} * {}\n", line.trim())).collect();
            format!("{indent}/**\n{body}{indent} */\n")
        }
    }
}

#[cfg(test)]
fn generate() -> String {
    let commands: Vec<_> =
        crate::commands::declarations().into_iter().chain(crate::authoring_commands::declarations()).collect();
    let events = crate::events::declarations();
    let mut types = Declarations::new();
    // Every command rejects with an AppError.
    types.add::<crate::error::AppError>();
    for command in &commands {
        command.arguments.iter().for_each(|(_, argument)| (argument.visit)(&mut types));
        (command.returns.visit)(&mut types);
    }
    for event in &events {
        (event.payload.visit)(&mut types);
    }
    let config = types.config();

    let mut calls = String::new();
    for command in &commands {
        let parameters: Vec<String> = command
            .arguments
            .iter()
            .map(|(name, argument)| format!("{}: {}", camel_case(name), (argument.name)(config)))
            .collect();
        let names: Vec<String> = command.arguments.iter().map(|(name, _)| camel_case(name)).collect();
        let arguments = if names.is_empty() { String::new() } else { format!(", {{ {} }}", names.join(", ")) };
        let _ = writeln!(
            calls,
            "{}    {}: ({}) => invoke<{}>('{}'{arguments}),",
            doc_comment(command.docs, "    "),
            camel_case(command.name),
            parameters.join(", "),
            (command.returns.name)(config),
            command.name,
        );
    }
    let mut listeners = String::new();
    for event in &events {
        let payload = (event.payload.name)(config);
        let _ = writeln!(
            listeners,
            "{}    {}: (handler: (payload: {payload}) => void) => listen<{payload}>('{}', handler),",
            doc_comment(event.docs, "    "),
            listener_name(event.name),
            event.name,
        );
    }
    format!(
        "// Generated from the Rust declarations by src-tauri/bindings.rs (`make bindings`). Do not edit.\n\n\
         {types}\n\
         /** Sends a command by name with its named arguments; resolves with its result. */\n\
         export type Invoke = <T>(command: string, args?: Record<string, unknown>) => Promise<T>\n\n\
         /** Calls `handler` with each payload of an event; resolves with how to stop. */\n\
         export type Listen = <T>(event: string, handler: (payload: T) => void) => Promise<() => void>\n\n\
         /** Every command the window can send, typed as Rust declares it. */\n\
         export function commands(invoke: Invoke) {{\n  return {{\n{calls}  }}\n}}\n\n\
         /** Every event the window can listen for, typed as Rust declares it. */\n\
         export function events(listen: Listen) {{\n  return {{\n{listeners}  }}\n}}\n",
        types = types.text(),
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn typescript_bindings_are_up_to_date() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("ui/src/lib/bindings.ts");
        let generated = super::generate();
        if std::env::var_os("UPDATE_BINDINGS").is_some() {
            std::fs::write(&path, &generated).expect("write the bindings");
            return;
        }
        let committed = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(committed == generated, "ui/src/lib/bindings.ts is stale: run `make bindings` and commit the result");
    }

    #[test]
    fn names_become_what_the_window_sends() {
        assert_eq!(super::camel_case("due_enrollments"), "dueEnrollments");
        assert_eq!(super::camel_case("home"), "home");
        assert_eq!(super::listener_name("sync-progress"), "onSyncProgress");
    }

    #[test]
    fn no_command_is_declared_twice() {
        let mut names: Vec<_> = crate::commands::NAMES.iter().chain(crate::authoring_commands::NAMES).collect();
        let count = names.len();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), count, "two modules declare the same command");
    }
}
