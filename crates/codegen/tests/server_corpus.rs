//! The server emitter over real public specs (`../shared/spec-corpus`): it never panics, and
//! each spec gives either a server module that parses or a clear list of refusals with pointers.
//! Skipped, with a note, when the folder is absent.

use std::path::PathBuf;

fn corpus_dir() -> Option<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/spec-corpus");
    dir.is_dir().then_some(dir)
}

#[test]
fn corpus_specs_give_a_server_or_a_clear_refusal_and_never_panic() {
    let Some(dir) = corpus_dir() else {
        eprintln!("note: ../shared/spec-corpus is absent; server corpus test skipped");
        return;
    };
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("corpus dir is readable")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    files.sort();
    let mut generated = 0;
    for path in &files {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let text = std::fs::read_to_string(path).unwrap();
        let Ok(spec) = serde_yaml::from_str::<openapiv3::OpenAPI>(&text) else {
            continue;
        };
        let result = std::panic::catch_unwind(|| codegen::generate_server(&spec, &name));
        match result {
            Err(_) => panic!("{name}: the server emitter panicked"),
            Ok(Ok(code)) => {
                let file = syn::parse_file(&code).expect("formatted output parses");
                assert!(
                    file.items
                        .iter()
                        .any(|i| matches!(i, syn::Item::Fn(f) if f.sig.ident == "router")),
                    "{name}: no router"
                );
                generated += 1;
            }
            Ok(Err(codegen::Error::Refused(refusals))) => {
                assert!(!refusals.items.is_empty(), "{name}");
                for r in &refusals.items {
                    assert!(r.pointer.starts_with("#/"), "{name}: pointer {}", r.pointer);
                    assert!(!r.reason.is_empty(), "{name}");
                }
            }
            Ok(Err(other)) => panic!("{name}: {other}"),
        }
    }
    eprintln!(
        "server emitter: {generated} of {} corpus specs generated",
        files.len()
    );
}
