//! A text document as the exports write it: a title page, headings,
//! paragraphs and tables. The CCTP and the sourcing report are built once as
//! a `Document`; each file format only renders it.

use std::io::Cursor;

use shared::consultation::DocumentFormat;

use super::{docx, markdown, odt};
use crate::error::ApiError;

pub struct Document {
    pub title: String,
    /// The lines of the title page under the title.
    pub title_page: Vec<String>,
    pub blocks: Vec<Block>,
}

pub enum Block {
    /// Level 1 to 3.
    Heading(u8, String),
    /// Line breaks are kept.
    Paragraph(String),
    Table(Table),
}

pub struct Table {
    pub header: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

impl Document {
    pub fn heading(&mut self, level: u8, text: impl Into<String>) {
        self.blocks.push(Block::Heading(level, text.into()));
    }

    pub fn paragraph(&mut self, text: impl Into<String>) {
        self.blocks.push(Block::Paragraph(text.into()));
    }

    pub fn table(&mut self, header: &[&str], rows: Vec<Vec<String>>) {
        self.blocks.push(Block::Table(Table {
            header: header.iter().map(|h| (*h).to_owned()).collect(),
            rows,
        }));
    }

    pub fn render(&self, format: DocumentFormat) -> Result<Vec<u8>, ApiError> {
        let mut out = Cursor::new(Vec::new());
        let packed = match format {
            DocumentFormat::Markdown => return Ok(markdown::render(self).into_bytes()),
            DocumentFormat::Docx => docx::write(self, &mut out),
            DocumentFormat::Odt => odt::write(self, &mut out),
        };
        packed.map_err(|e| ApiError::Unexpected(anyhow::anyhow!("packing a document: {e}")))?;
        Ok(out.into_inner())
    }
}

/// Characters XML 1.0 cannot carry (control characters other than tab and
/// line breaks), which a pasted text may hold: dropped from every format.
pub fn printable(text: &str) -> impl Iterator<Item = char> + '_ {
    text.chars()
        .filter(|c| !c.is_control() || matches!(c, '\t' | '\n'))
}
