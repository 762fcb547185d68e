//! The files a consultation is exported as.

crate::named::named! {
    /// The formats of a text document (CCTP, sourcing report).
    pub enum DocumentFormat {
        /// Word (Office Open XML).
        Docx = "docx": "Word (.docx)",
        /// OpenDocument text, as LibreOffice writes it.
        Odt = "odt": "OpenDocument (.odt)",
        /// Markdown (CommonMark with pipe tables).
        Markdown = "markdown": "Markdown (.md)",
    }
}

impl DocumentFormat {
    pub fn extension(self) -> &'static str {
        match self {
            Self::Docx => "docx",
            Self::Odt => "odt",
            Self::Markdown => "md",
        }
    }

    pub fn content_type(self) -> &'static str {
        match self {
            Self::Docx => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            Self::Odt => "application/vnd.oasis.opendocument.text",
            Self::Markdown => "text/markdown; charset=utf-8",
        }
    }
}
