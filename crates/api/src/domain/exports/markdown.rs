//! Markdown rendering: CommonMark with pipe tables, texts escaped so that a
//! clause's `*` or `#` stays a character, line breaks kept as hard breaks.

use std::fmt::Write;

use super::document::{Block, Document};

/// A paragraph: each line escaped, a backslash at the end of a line is a
/// hard line break.
fn escape(text: &str) -> String {
    text.lines()
        .map(|line| escape_line(line, true))
        .collect::<Vec<_>>()
        .join("\\\n")
}

/// A heading or a table cell: one line, after its own marker, where nothing
/// can start a block.
fn escape_inline(text: &str) -> String {
    escape_line(
        &text.split_whitespace().collect::<Vec<_>>().join(" "),
        false,
    )
}

fn escape_line(line: &str, at_block_start: bool) -> String {
    let start = line.len().saturating_sub(line.trim_start().len());
    let digits = line
        .trim_start()
        .bytes()
        .take_while(u8::is_ascii_digit)
        .count();
    let mut out = String::with_capacity(line.len());
    for (i, c) in line.char_indices() {
        if c.is_control() && c != '\t' {
            continue;
        }
        // Inline marks anywhere; what would start a heading, list or quote
        // at the start of a paragraph's line.
        let inline = matches!(
            c,
            '\\' | '*' | '_' | '`' | '[' | ']' | '<' | '>' | '|' | '~'
        );
        let block = at_block_start
            && ((i == start && matches!(c, '#' | '-' | '+' | '='))
                || (digits > 0 && i == start.saturating_add(digits) && matches!(c, '.' | ')')));
        if inline || block {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

pub fn render(document: &Document) -> String {
    let mut out = format!("# {}\n\n", escape_inline(&document.title));
    for line in &document.title_page {
        let _ = write!(out, "{}\n\n", escape(line));
    }
    out.push_str("---\n\n");
    for block in &document.blocks {
        match block {
            Block::Heading(level, text) => {
                let marks = "#".repeat(usize::from(*level).saturating_add(1).min(6));
                let _ = write!(out, "{marks} {}\n\n", escape_inline(text));
            }
            Block::Paragraph(text) => {
                let _ = write!(out, "{}\n\n", escape(text));
            }
            Block::Table(table) => {
                let row = |cells: Vec<String>| format!("| {} |\n", cells.join(" | "));
                out.push_str(&row(table
                    .header
                    .iter()
                    .map(|h| escape_inline(h))
                    .collect()));
                out.push_str(&row(table
                    .header
                    .iter()
                    .map(|_| "---".to_owned())
                    .collect()));
                for r in &table.rows {
                    out.push_str(&row(r.iter().map(|c| escape_inline(c)).collect()));
                }
                out.push('\n');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_characters_in_a_text_stay_characters() {
        assert_eq!(escape("2 * 3 = 6"), "2 \\* 3 = 6");
        assert_eq!(escape("# non"), "\\# non");
        assert_eq!(escape("1. premier"), "1\\. premier");
        assert_eq!(escape("a\nb"), "a\\\nb");
        assert_eq!(escape("- tiret"), "\\- tiret");
        assert_eq!(escape_inline("1. Objet | *"), "1. Objet \\| \\*");
    }
}
