//! Unsupported constructs are collected, never panicked on, and reported together.

use std::fmt;

/// One construct the generator does not support, located by JSON pointer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    /// JSON pointer into the spec, starting with `#` (`#/paths/~1pets/get/callbacks`).
    pub pointer: String,
    pub reason: String,
}

/// Everything the generator refused in one spec; `Display` prints one line per refusal as
/// `file#pointer: reason`, so a spec author fixes them all in one go.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct Refusals {
    pub spec_name: String,
    pub items: Vec<Refusal>,
}

impl fmt::Display for Refusals {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "{}: {} unsupported construct(s):",
            self.spec_name,
            self.items.len()
        )?;
        for item in &self.items {
            writeln!(f, "  {}{}: {}", self.spec_name, item.pointer, item.reason)?;
        }
        Ok(())
    }
}

/// Escapes one JSON pointer segment (RFC 6901): `~` -> `~0`, `/` -> `~1`.
pub fn escape_segment(segment: &str) -> String {
    segment.replace('~', "~0").replace('/', "~1")
}

/// Builds `#/a/b` pointers from raw segments.
pub fn pointer(segments: &[&str]) -> String {
    let mut out = String::from("#");
    for s in segments {
        out.push('/');
        out.push_str(&escape_segment(s));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pointers_escape_slashes_and_tildes() {
        assert_eq!(
            pointer(&["paths", "/pets/{id}", "get"]),
            "#/paths/~1pets~1{id}/get"
        );
        assert_eq!(pointer(&["a~b"]), "#/a~0b");
    }

    #[test]
    fn display_lists_every_refusal_with_file_and_pointer() {
        let r = Refusals {
            spec_name: "spec.yaml".into(),
            items: vec![
                Refusal {
                    pointer: "#/paths/~1pets/get/callbacks".into(),
                    reason: "callbacks are not supported".into(),
                },
                Refusal {
                    pointer: "#/components/schemas/X".into(),
                    reason: "`not` is not supported".into(),
                },
            ],
        };
        let text = r.to_string();
        assert!(text.contains("spec.yaml#/paths/~1pets/get/callbacks: callbacks are not supported"));
        assert!(text.contains("spec.yaml#/components/schemas/X: `not` is not supported"));
    }
}
