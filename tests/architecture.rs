//! The structure the code keeps, checked on its source: no two files of a crate import
//! each other, directly or round a circle. A module's imports are its `use crate::…` and
//! `use super::…` items and the `crate::…` paths in its code, with names the crate root
//! re-exports followed to the module that defines them (a child module's own `tests`
//! are left out: they belong with it).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Each crate's source folder, from the workspace root.
const CRATES: &[&str] = &[
    "crates/stride-domain/src",
    "crates/stride-store/src",
    "crates/stride-sync/src",
    "crates/stride-server/src",
    "src-tauri",
];

#[test]
fn no_file_imports_another_that_imports_it_back() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut circles = Vec::new();
    for folder in CRATES {
        let graph = imports(&root.join(folder));
        assert!(graph.len() > 3, "{folder}: its modules are found");
        for circle in cycles(&graph) {
            circles.push(format!("{folder}: {}", circle.join(" → ")));
        }
    }
    assert!(circles.is_empty(), "import circles:\n{}", circles.join("\n"));
}

#[test]
fn the_check_finds_a_circle_and_follows_reexports() {
    let graph: Graph = [("a", vec!["b"]), ("b", vec!["c"]), ("c", vec!["a"]), ("d", vec!["a"])]
        .into_iter()
        .map(|(m, to)| (m.to_owned(), to.into_iter().map(str::to_owned).collect()))
        .collect();
    assert_eq!(cycles(&graph), vec![vec!["a", "b", "c", "a"]]);
    let mut paths = Vec::new();
    use_paths("a::{b, c::{D, e::F}}, g as h", &mut Vec::new(), &mut paths);
    let joined: Vec<String> = paths.iter().map(|p| p.join("::")).collect();
    assert_eq!(joined, ["a::b", "a::c::D", "a::c::e::F", "g"]);
}

/// Each module (by its path in the crate, "" for the root) and the modules it imports.
type Graph = BTreeMap<String, BTreeSet<String>>;

fn imports(folder: &Path) -> Graph {
    let mut sources = BTreeMap::new();
    for file in rust_files(folder) {
        let relative = file.strip_prefix(folder).unwrap().with_extension("");
        let mut parts: Vec<String> = relative.iter().map(|p| p.to_string_lossy().into_owned()).collect();
        if matches!(parts.last().map(String::as_str), Some("mod" | "lib" | "main" | "build")) {
            if parts.last().map(String::as_str) == Some("build") {
                continue;
            }
            parts.pop();
        }
        if parts.first().map(String::as_str) == Some("bin") {
            continue; // a binary is a crate of its own
        }
        sources.insert(parts.join("::"), code_of(&std::fs::read_to_string(&file).unwrap()));
    }
    let reexports = reexports(sources.get("").map(String::as_str).unwrap_or(""), &sources);
    let resolve = |path: &[String]| -> Option<String> {
        (1..=path.len()).rev().map(|n| path[..n].join("::")).find(|m| sources.contains_key(m)).or_else(|| {
            // A name the root re-exports, as `crate::Store`.
            path.first().and_then(|name| reexports.get(name).cloned())
        })
    };
    let mut graph = Graph::new();
    for (module, code) in &sources {
        let mut paths = Vec::new();
        for used in items(code, "use crate::") {
            use_paths(&used, &mut Vec::new(), &mut paths);
        }
        let parent: Vec<String> = module.split("::").filter(|p| !p.is_empty()).map(str::to_owned).collect::<Vec<_>>();
        let parent = &parent[..parent.len().saturating_sub(1)];
        for used in items(code, "use super::") {
            use_paths(&used, &mut parent.to_vec(), &mut paths);
        }
        let without_uses = strip_items(code, "use ");
        let mut rest = without_uses.as_str();
        while let Some(at) = rest.find("crate::") {
            let before = rest[..at].chars().last();
            rest = &rest[at + "crate::".len()..];
            if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
                continue;
            }
            let path: String = rest.chars().take_while(|c| c.is_alphanumeric() || *c == '_' || *c == ':').collect();
            paths.push(path.split("::").filter(|p| !p.is_empty()).map(str::to_owned).collect());
        }
        let mut targets = BTreeSet::new();
        for path in paths {
            if let Some(target) = resolve(&path) {
                // A module's own items, and its parents' (a child module sees them anyway).
                let own = target == *module || module.starts_with(&format!("{target}::"));
                if !own {
                    targets.insert(target);
                }
            }
        }
        graph.insert(module.clone(), targets);
    }
    graph
}

fn rust_files(folder: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(folder).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files.extend(rust_files(&path));
        } else if path.extension().is_some_and(|e| e == "rs") {
            files.push(path);
        }
    }
    files
}

/// The code without comments and without the module's own `#[cfg(test)] mod tests`.
fn code_of(source: &str) -> String {
    let code: String = source.lines().map(|line| line.split("//").next().unwrap_or("")).collect::<Vec<_>>().join("\n");
    match code.find("#[cfg(test)]\nmod tests") {
        Some(at) => code[..at].to_owned(),
        None => code,
    }
}

/// The bodies of the items that start with `prefix` (up to their `;`).
fn items(code: &str, prefix: &str) -> Vec<String> {
    let mut found = Vec::new();
    let mut rest = code;
    while let Some(at) = rest.find(prefix) {
        let body = &rest[at + prefix.len()..];
        let end = body.find(';').unwrap_or(body.len());
        let starts_item = rest[..at].chars().last().is_none_or(|c| c.is_whitespace() || c == '{' || c == ';');
        if starts_item {
            found.push(body[..end].to_owned());
        }
        rest = &body[end..];
    }
    found
}

fn strip_items(code: &str, prefix: &str) -> String {
    let mut kept = String::new();
    let mut rest = code;
    while let Some(at) = rest.find(prefix) {
        let starts_item = rest[..at].chars().last().is_none_or(|c| c.is_whitespace() || c == '{' || c == ';');
        let end = if starts_item { rest[at..].find(';').map_or(rest.len(), |e| at + e + 1) } else { at + prefix.len() };
        kept.push_str(&rest[..if starts_item { at } else { end }]);
        rest = &rest[end..];
    }
    kept.push_str(rest);
    kept
}

/// Expands one `use` tree (`a::{b, c::{d}}`) into its paths, each under `prefix`.
fn use_paths(tree: &str, prefix: &mut Vec<String>, out: &mut Vec<Vec<String>>) {
    let mut depth = 0;
    let mut start = 0;
    let mut branches = Vec::new();
    for (i, c) in tree.char_indices() {
        match c {
            '{' => depth += 1,
            '}' => depth -= 1,
            ',' if depth == 0 => {
                branches.push(&tree[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    branches.push(&tree[start..]);
    for branch in branches.into_iter().map(str::trim).filter(|b| !b.is_empty()) {
        let (head, nested) = match branch.find('{') {
            Some(open) => (&branch[..open], Some(&branch[open + 1..branch.rfind('}').unwrap_or(branch.len())])),
            None => (branch.split(" as ").next().unwrap_or(branch), None),
        };
        let parts: Vec<String> =
            head.split("::").map(str::trim).filter(|p| !p.is_empty() && *p != "*").map(str::to_owned).collect();
        let depth = prefix.len();
        prefix.extend(parts);
        match nested {
            Some(nested) => use_paths(nested, prefix, out),
            None => out.push(prefix.clone()),
        }
        prefix.truncate(depth);
    }
}

/// The names the crate root re-exports (`pub use x::{A, B}`, `pub use x::*`), with the
/// module that defines each.
fn reexports(root: &str, sources: &BTreeMap<String, String>) -> BTreeMap<String, String> {
    let mut names = BTreeMap::new();
    for used in items(root, "pub use ") {
        let mut paths = Vec::new();
        use_paths(&used, &mut Vec::new(), &mut paths);
        for path in paths {
            let Some(module) = path.first().filter(|m| sources.contains_key(*m)) else { continue };
            if used.trim_end().ends_with('*') && path.len() == 1 {
                for name in defined_names(&sources[module]) {
                    names.entry(name).or_insert_with(|| module.clone());
                }
            } else if let Some(name) = path.last() {
                names.insert(name.clone(), module.clone());
            }
        }
    }
    names
}

/// The public names a module defines (items, and the first argument of a macro call
/// that defines one, as `entity!(Workers, Worker, id)`).
fn defined_names(code: &str) -> Vec<String> {
    let mut names = Vec::new();
    for keyword in ["struct ", "enum ", "fn ", "type ", "trait ", "const ", "static ", "mod "] {
        let mut rest = code;
        while let Some(at) = rest.find(keyword) {
            let name: String =
                rest[at + keyword.len()..].chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
            names.push(name);
            rest = &rest[at + keyword.len()..];
        }
    }
    names.extend(code.split('!').skip(1).filter_map(|after| {
        let after = after.strip_prefix('(')?;
        Some(after.chars().skip_while(|c| c.is_whitespace()).take_while(|c| c.is_alphanumeric() || *c == '_').collect())
    }));
    names.retain(|name| !name.is_empty());
    names
}

/// Every circle of the graph, each once, from its first module in order and back to it.
fn cycles(graph: &Graph) -> Vec<Vec<String>> {
    let mut found: BTreeSet<Vec<String>> = BTreeSet::new();
    for start in graph.keys() {
        // Depth-first from `start`, through modules after it only, so each circle is
        // found from its first module.
        let mut stack = vec![(start.clone(), vec![start.clone()])];
        while let Some((at, path)) = stack.pop() {
            for next in graph.get(&at).into_iter().flatten() {
                if next == start {
                    let mut circle = path.clone();
                    circle.push(start.clone());
                    found.insert(circle);
                } else if next > start && !path.contains(next) && path.len() < 12 {
                    let mut longer = path.clone();
                    longer.push(next.clone());
                    stack.push((next.clone(), longer));
                }
            }
        }
    }
    found.into_iter().collect()
}
