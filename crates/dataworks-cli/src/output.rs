//! How an answer is printed: JSON (pretty on a terminal, one line otherwise, so that pipes get
//! one answer per line), a table, or the server's own XML.

use comfy_table::{presets::UTF8_FULL_CONDENSED, Table};
use serde_json::{Map, Value};

/// `--output`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Output {
    Json,
    Table,
    Xml,
}

impl Output {
    pub const NAMES: [&'static str; 3] = ["json", "table", "xml"];

    pub fn from_name(name: &str) -> Output {
        match name {
            "table" => Output::Table,
            "xml" => Output::Xml,
            _ => Output::Json,
        }
    }
}

/// The answer body as it should be printed (with a final newline).
pub fn render(output: Output, body: &[u8], terminal: bool) -> String {
    let text = String::from_utf8_lossy(body);
    if output == Output::Xml {
        return format!("{}\n", text.trim_end());
    }
    let Ok(value) = serde_json::from_slice::<Value>(body) else {
        // Not JSON (the client already decoded it, so this is unexpected): print it as it came.
        return format!("{}\n", text.trim_end());
    };
    match output {
        Output::Table => table(&value),
        _ if terminal => format!(
            "{}\n",
            serde_json::to_string_pretty(&value).unwrap_or_default()
        ),
        _ => format!("{value}\n"),
    }
}

/// A table of the answer's first list of objects (one row per item, one column per key, in
/// the order keys first appear), or, when the answer holds no list, of its fields (`key`,
/// `value`, nested keys joined with dots).
pub fn table(value: &Value) -> String {
    let mut table = Table::new();
    table.load_preset(UTF8_FULL_CONDENSED);
    if let Some(rows) = first_list(value) {
        let mut columns: Vec<String> = Vec::new();
        for row in &rows {
            for key in row.keys() {
                if !columns.contains(key) {
                    columns.push(key.clone());
                }
            }
        }
        table.set_header(columns.clone());
        for row in rows {
            table.add_row(
                columns
                    .iter()
                    .map(|c| row.get(c).map(cell).unwrap_or_default())
                    .collect::<Vec<_>>(),
            );
        }
    } else {
        table.set_header(["key", "value"]);
        let mut pairs = Vec::new();
        flatten("", value, &mut pairs);
        for (key, value) in pairs {
            table.add_row([key, value]);
        }
    }
    format!("{table}\n")
}

/// The first array (depth first, in key order) whose items are all objects.
fn first_list(value: &Value) -> Option<Vec<&Map<String, Value>>> {
    match value {
        Value::Array(items) if !items.is_empty() => {
            let objects: Option<Vec<_>> = items.iter().map(Value::as_object).collect();
            objects.or_else(|| items.iter().find_map(first_list))
        }
        Value::Object(map) => map.values().find_map(first_list),
        _ => None,
    }
}

fn flatten(prefix: &str, value: &Value, out: &mut Vec<(String, String)>) {
    match value {
        Value::Object(map) if !map.is_empty() => {
            for (key, value) in map {
                let key = if prefix.is_empty() {
                    key.clone()
                } else {
                    format!("{prefix}.{key}")
                };
                flatten(&key, value, out);
            }
        }
        other => out.push((prefix.to_owned(), cell(other))),
    }
}

/// A value as a cell: strings bare, everything else as JSON.
fn cell(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_list_answer_is_one_row_per_item() {
        let value: Value = serde_json::from_str(
            r#"{"RequestId":"r","Data":{"TotalCount":2,"Connections":[{"Id":1,"Name":"a"},{"Id":2,"Name":"b","Description":"x"}]}}"#,
        )
        .unwrap();
        let text = table(&value);
        let header = text.lines().nth(1).unwrap();
        assert!(header.contains("Id") && header.contains("Name") && header.contains("Description"));
        assert_eq!(
            text.lines().filter(|l| l.contains("│ 2 ")).count(),
            1,
            "{text}"
        );
    }

    #[test]
    fn a_plain_answer_is_key_value() {
        let value: Value =
            serde_json::from_str(r#"{"RequestId":"r","Data":true,"Nested":{"A":1}}"#).unwrap();
        let text = table(&value);
        assert!(text.contains("Nested.A"), "{text}");
        assert!(text.contains("true"), "{text}");
    }

    #[test]
    fn json_is_one_line_off_a_terminal_and_pretty_on_one() {
        let body = br#"{"A":1,"B":[1,2]}"#;
        assert_eq!(render(Output::Json, body, false), "{\"A\":1,\"B\":[1,2]}\n");
        assert!(render(Output::Json, body, true).contains("\n  \"A\": 1"));
    }
}
