//! Doc comments from spec text, made safe for rustdoc.
//!
//! Spec descriptions are Markdown written for people, not for rustdoc: an indented block or an
//! unlabelled ``` fence would be compiled as a doctest. Like prost, every code block is turned
//! into a ```text block.

use crate::model::Docs;
use proc_macro2::TokenStream;
use quote::quote;

/// `#[doc = "..."]` attributes, one per line.
pub fn doc_attrs(lines: &[String]) -> TokenStream {
    let lines = lines.iter().map(|l| {
        if l.is_empty() {
            String::new()
        } else {
            format!(" {l}")
        }
    });
    quote!(#(#[doc = #lines])*)
}

/// Doc lines for a type or field: title, description, then facts (wire name, constraints,
/// default, example).
pub fn doc_lines(docs: &Docs, wire_name: Option<&str>) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(title) = &docs.title {
        out.extend(sanitize(title));
    }
    if let Some(description) = &docs.description {
        if !out.is_empty() {
            out.push(String::new());
        }
        out.extend(sanitize(description));
    }
    let mut facts = Vec::new();
    if let Some(wire) = wire_name {
        facts.push(format!("Wire name: `{wire}`."));
    }
    if !docs.constraints.is_empty() {
        facts.push(format!("Constraints: {}.", docs.constraints.join(", ")));
    }
    if let Some(default) = &docs.default {
        facts.push(format!("Default: `{}`.", inline_code(&default.to_string())));
    }
    if let Some(example) = &docs.example {
        let text = match example {
            serde_json::Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        facts.push(format!("Example: `{}`.", inline_code(&text)));
    }
    if docs.deprecated {
        facts.push("Deprecated.".to_owned());
    }
    if !facts.is_empty() {
        if !out.is_empty() {
            out.push(String::new());
        }
        out.push(facts.join(" "));
    }
    out
}

/// Text safe inside single backticks.
fn inline_code(s: &str) -> String {
    s.replace('`', "'").replace('\n', " ")
}

/// Spec Markdown -> doc lines: fences get the `text` label, indented blocks are fenced as text,
/// trailing spaces and CRs are dropped.
pub fn sanitize(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut in_fence = false;
    let mut in_indented = false;
    let mut previous_blank = true;
    let mut in_list = false;
    for raw in text.replace("\r\n", "\n").replace('\r', "\n").lines() {
        let line = raw.trim_end();
        let trimmed = line.trim_start();
        if trimmed.starts_with("```") || trimmed.starts_with("~~~") {
            if in_fence {
                out.push("```".to_owned());
            } else {
                out.push("```text".to_owned());
            }
            in_fence = !in_fence;
            previous_blank = false;
            continue;
        }
        if in_fence {
            out.push(line.to_owned());
            continue;
        }
        let indented = line.starts_with("    ") || line.starts_with('\t');
        if indented && (previous_blank || in_indented) {
            if !in_indented {
                out.push("```text".to_owned());
                in_indented = true;
            }
            out.push(line.trim_start().to_owned());
            continue;
        }
        if in_indented && !line.is_empty() {
            while out.last().is_some_and(String::is_empty) {
                out.pop();
            }
            out.push("```".to_owned());
            out.push(String::new());
            in_indented = false;
        }
        if in_indented && line.is_empty() {
            // Blank lines inside an indented block are part of it unless the block ends here.
            out.push(String::new());
            continue;
        }
        let list_item = is_list_item(trimmed);
        let continued = line.starts_with([' ', '\t']);
        if !line.is_empty() && !list_item && in_list && !continued {
            // A list item's unindented continuation is a new paragraph (rustdoc would otherwise
            // fold it into the item, and clippy flags that as `doc_lazy_continuation`).
            out.push(String::new());
        }
        in_list = if line.is_empty() {
            false
        } else {
            list_item || (in_list && continued)
        };
        previous_blank = line.is_empty();
        out.push(if in_list && !list_item {
            line.to_owned()
        } else {
            line.trim_start().to_owned()
        });
    }
    if in_indented {
        while out.last().is_some_and(String::is_empty) {
            out.pop();
        }
        out.push("```".to_owned());
    }
    if in_fence {
        out.push("```".to_owned());
    }
    while out.last().is_some_and(String::is_empty) {
        out.pop();
    }
    while out.first().is_some_and(String::is_empty) {
        out.remove(0);
    }
    out
}

/// `- x`, `* x`, `+ x`, `1. x`, `2) x`.
fn is_list_item(trimmed: &str) -> bool {
    let bullet = ["- ", "* ", "+ "].iter().any(|b| trimmed.starts_with(b));
    let digits = trimmed.chars().take_while(char::is_ascii_digit).count();
    let numbered =
        digits > 0 && (trimmed[digits..].starts_with(". ") || trimmed[digits..].starts_with(") "));
    bullet || numbered
}

#[cfg(test)]
mod tests {
    use super::sanitize;

    #[test]
    fn lazy_list_continuations_become_paragraphs() {
        assert_eq!(
            sanitize("- one\n- two\nAfter."),
            ["- one", "- two", "", "After."]
        );
        assert_eq!(
            sanitize("1. one\n   more\n2. two"),
            ["1. one", "   more", "2. two"]
        );
    }

    #[test]
    fn indented_code_becomes_a_text_block() {
        let lines = sanitize("Example:\n\n    GET /?Action=X\n    more\n\nAfter.");
        assert_eq!(
            lines,
            [
                "Example:",
                "",
                "```text",
                "GET /?Action=X",
                "more",
                "```",
                "",
                "After."
            ]
        );
    }

    #[test]
    fn unlabelled_and_labelled_fences_become_text() {
        assert_eq!(
            sanitize("```\n{\"a\":1}\n```"),
            ["```text", "{\"a\":1}", "```"]
        );
        assert_eq!(
            sanitize("```rust\nfn x() {}\n```"),
            ["```text", "fn x() {}", "```"]
        );
    }

    #[test]
    fn unclosed_blocks_are_closed() {
        assert_eq!(sanitize("```\nx"), ["```text", "x", "```"]);
        assert_eq!(sanitize("a\n\n    x"), ["a", "", "```text", "x", "```"]);
    }
}
