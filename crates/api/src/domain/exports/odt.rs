//! OpenDocument text rendering: the smallest complete package (mimetype
//! first and uncompressed, manifest, styles, content) that LibreOffice and
//! pandoc open, with outline headings and real tables.

use std::fmt::Write as _;
use std::io::{Cursor, Write};

use zip::CompressionMethod;
use zip::write::SimpleFileOptions;

use super::document::{Block, Document, printable};

const MIMETYPE: &str = "application/vnd.oasis.opendocument.text";

const MANIFEST: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.3">
 <manifest:file-entry manifest:full-path="/" manifest:version="1.3" manifest:media-type="application/vnd.oasis.opendocument.text"/>
 <manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>
 <manifest:file-entry manifest:full-path="styles.xml" manifest:media-type="text/xml"/>
</manifest:manifest>
"#;

const NAMESPACES: &str = r#"xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0" office:version="1.3""#;

fn styles() -> String {
    let heading = |name: &str, display: &str, size: &str, level: u8| {
        format!(
            r#"<style:style style:name="{name}" style:display-name="{display}" style:family="paragraph" style:default-outline-level="{level}"><style:paragraph-properties fo:margin-top="0.4cm" fo:margin-bottom="0.2cm" fo:keep-with-next="always"/><style:text-properties fo:font-size="{size}" fo:font-weight="bold"/></style:style>"#
        )
    };
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<office:document-styles {NAMESPACES}><office:styles>
<style:style style:name="Standard" style:family="paragraph"><style:paragraph-properties fo:margin-bottom="0.2cm"/><style:text-properties fo:font-size="11pt"/></style:style>
<style:style style:name="Title" style:family="paragraph"><style:paragraph-properties fo:margin-bottom="0.6cm"/><style:text-properties fo:font-size="24pt" fo:font-weight="bold"/></style:style>
{}{}{}
<style:style style:name="Table_20_Heading" style:display-name="Table Heading" style:family="paragraph"><style:text-properties fo:font-weight="bold"/></style:style>
</office:styles></office:document-styles>
"#,
        heading("Heading_20_1", "Heading 1", "16pt", 1),
        heading("Heading_20_2", "Heading 2", "13pt", 2),
        heading("Heading_20_3", "Heading 3", "12pt", 3),
    )
}

/// Text for an element: escaped, tabs and line breaks as ODF elements.
fn text(out: &mut String, value: &str) {
    for (i, line) in value.split('\n').enumerate() {
        if i > 0 {
            out.push_str("<text:line-break/>");
        }
        for c in printable(line) {
            match c {
                '&' => out.push_str("&amp;"),
                '<' => out.push_str("&lt;"),
                '>' => out.push_str("&gt;"),
                '"' => out.push_str("&quot;"),
                '\t' => out.push_str("<text:tab/>"),
                c => out.push(c),
            }
        }
    }
}

fn paragraph(out: &mut String, style: &str, value: &str) {
    let _ = write!(out, r#"<text:p text:style-name="{style}">"#);
    text(out, value);
    out.push_str("</text:p>");
}

fn table(out: &mut String, index: usize, t: &super::document::Table) {
    let _ = write!(
        out,
        r#"<table:table table:name="Tableau{index}"><table:table-column table:number-columns-repeated="{}"/>"#,
        t.header.len().max(1)
    );
    let mut row = |cells: &[String], style: &str| {
        out.push_str("<table:table-row>");
        for cell in cells {
            out.push_str(r#"<table:table-cell office:value-type="string">"#);
            paragraph(out, style, cell);
            out.push_str("</table:table-cell>");
        }
        out.push_str("</table:table-row>");
    };
    row(&t.header, "Table_20_Heading");
    for r in &t.rows {
        row(r, "Standard");
    }
    out.push_str("</table:table>");
}

fn content(document: &Document) -> String {
    let mut out = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<office:document-content {NAMESPACES}><office:automatic-styles><style:style style:name="AfterTitlePage" style:family="paragraph" style:parent-style-name="Standard"><style:paragraph-properties fo:break-before="page"/></style:style></office:automatic-styles><office:body><office:text>"#
    );
    paragraph(&mut out, "Title", &document.title);
    for line in &document.title_page {
        paragraph(&mut out, "Standard", line);
    }
    out.push_str(r#"<text:p text:style-name="AfterTitlePage"/>"#);
    for (index, block) in document.blocks.iter().enumerate() {
        match block {
            Block::Heading(level, value) => {
                let level = level.clamp(&1, &3);
                let _ = write!(
                    out,
                    r#"<text:h text:style-name="Heading_20_{level}" text:outline-level="{level}">"#
                );
                text(&mut out, value);
                out.push_str("</text:h>");
            }
            Block::Paragraph(value) => paragraph(&mut out, "Standard", value),
            Block::Table(t) => table(&mut out, index, t),
        }
    }
    out.push_str("</office:text></office:body></office:document-content>\n");
    out
}

pub fn write(document: &Document, out: &mut Cursor<Vec<u8>>) -> zip::result::ZipResult<()> {
    let mut zip = zip::ZipWriter::new(out);
    // The mimetype must come first, uncompressed, for readers to sniff it.
    zip.start_file(
        "mimetype",
        SimpleFileOptions::default().compression_method(CompressionMethod::Stored),
    )?;
    zip.write_all(MIMETYPE.as_bytes())?;
    let deflated = SimpleFileOptions::default().compression_method(CompressionMethod::Deflated);
    for (name, body) in [
        ("META-INF/manifest.xml", MANIFEST.to_owned()),
        ("styles.xml", styles()),
        ("content.xml", content(document)),
    ] {
        zip.start_file(name, deflated)?;
        zip.write_all(body.as_bytes())?;
    }
    zip.finish()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::exports::document::Block;

    #[test]
    fn markup_and_control_characters_in_a_text_cannot_break_the_xml() {
        let document = Document {
            title: "A < B & C".into(),
            title_page: vec![],
            blocks: vec![Block::Paragraph("</text:p>\u{1}\"x\"\nligne 2".into())],
        };
        let xml = content(&document);
        assert!(xml.contains("A &lt; B &amp; C"));
        assert!(xml.contains("&lt;/text:p&gt;&quot;x&quot;<text:line-break/>ligne 2"));
        assert!(!xml.contains('\u{1}'));
    }
}
