//! Word rendering through `docx-rs`: named heading styles (what Word's
//! outline, LibreOffice and pandoc recognise), a title page, real tables.

use std::io::Cursor;

use zip::CompressionMethod;
use zip::write::SimpleFileOptions;

use docx_rs::{BreakType, Docx, Paragraph, Run, Style, StyleType, Table, TableCell, TableRow};

use super::document::{Block, Document, printable};

/// A run per line, separated by line breaks.
fn runs(paragraph: Paragraph, text: &str, bold: bool) -> Paragraph {
    let clean: String = printable(text).collect();
    clean.lines().enumerate().fold(paragraph, |p, (i, line)| {
        let mut run = Run::new();
        if i > 0 {
            run = run.add_break(BreakType::TextWrapping);
        }
        run = run.add_text(line);
        if bold {
            run = run.bold();
        }
        p.add_run(run)
    })
}

fn styled(style: &str, text: &str) -> Paragraph {
    runs(Paragraph::new().style(style), text, false)
}

/// Heading styles named as Word names them, sizes in half-points.
fn heading_styles(docx: Docx) -> Docx {
    let style = |id: &str, name: &str, size: usize, outline: Option<usize>| {
        let s = Style::new(id, StyleType::Paragraph)
            .name(name)
            .size(size)
            .bold();
        match outline {
            Some(level) => s.outline_lvl(level),
            None => s,
        }
    };
    docx.add_style(style("Title", "Title", 48, None))
        .add_style(style("Heading1", "Heading 1", 32, Some(0)))
        .add_style(style("Heading2", "Heading 2", 26, Some(1)))
        .add_style(style("Heading3", "Heading 3", 24, Some(2)))
}

fn table(t: &super::document::Table) -> Table {
    let row = |cells: &[String], bold: bool| {
        TableRow::new(
            cells
                .iter()
                .map(|c| TableCell::new().add_paragraph(runs(Paragraph::new(), c, bold)))
                .collect(),
        )
    };
    let mut rows = vec![row(&t.header, true)];
    rows.extend(t.rows.iter().map(|r| row(r, false)));
    // Readers need the column grid (twentieths of a point, 16 cm in all).
    let columns = t.header.len().max(1);
    Table::new(rows).set_grid(vec![
        9000_usize.checked_div(columns).unwrap_or(9000);
        columns
    ])
}

pub fn write(document: &Document, out: &mut Cursor<Vec<u8>>) -> zip::result::ZipResult<()> {
    let mut docx = heading_styles(Docx::new()).add_paragraph(styled("Title", &document.title));
    for line in &document.title_page {
        docx = docx.add_paragraph(runs(Paragraph::new(), line, false));
    }
    docx = docx.add_paragraph(Paragraph::new().add_run(Run::new().add_break(BreakType::Page)));
    for block in &document.blocks {
        docx = match block {
            Block::Heading(level, text) => {
                docx.add_paragraph(styled(&format!("Heading{}", level.clamp(&1, &3)), text))
            }
            Block::Paragraph(text) => docx.add_paragraph(runs(Paragraph::new(), text, false)),
            Block::Table(t) => docx.add_table(table(t)).add_paragraph(Paragraph::new()),
        };
    }
    let mut stored = Cursor::new(Vec::new());
    docx.pack(&mut stored)?;
    deflate(stored, out)
}

/// docx-rs stores its parts uncompressed: a 150-page CCTP would weigh more
/// than its text. The same parts, deflated, as Word itself writes them.
fn deflate(stored: Cursor<Vec<u8>>, out: &mut Cursor<Vec<u8>>) -> zip::result::ZipResult<()> {
    let mut archive = zip::ZipArchive::new(stored)?;
    let mut zip = zip::ZipWriter::new(out);
    let options = SimpleFileOptions::default().compression_method(CompressionMethod::Deflated);
    for index in 0..archive.len() {
        let mut part = archive.by_index(index)?;
        let name = part.name().to_owned();
        if part.is_dir() {
            zip.add_directory(name, options)?;
        } else {
            zip.start_file(name, options)?;
            std::io::copy(&mut part, &mut zip)?;
        }
    }
    zip.finish()?;
    Ok(())
}
