//! What the messages say. A letter is stored with its message (JSON) and
//! rendered as plain text and simple HTML when it is sent, with the links
//! made absolute on the service's public address.

use serde::{Deserialize, Serialize};

/// One message's content, in French.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Letter {
    pub subject: String,
    /// Paragraphs, in order.
    pub paragraphs: Vec<String>,
    /// A list after the paragraphs (a digest's news), each entry with the
    /// path it leads to.
    #[serde(default)]
    pub items: Vec<(String, Option<String>)>,
    /// The one action the message leads to: its label and its path on the
    /// service (`/consultations/…`).
    pub action: Option<(String, String)>,
    /// Why the person receives it.
    pub reason: String,
}

/// A rendered message, ready to send.
pub struct Rendered {
    pub text: String,
    pub html: String,
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

impl Letter {
    pub fn new(subject: impl Into<String>, reason: impl Into<String>) -> Self {
        Self {
            subject: subject.into(),
            paragraphs: Vec::new(),
            items: Vec::new(),
            action: None,
            reason: reason.into(),
        }
    }

    pub fn paragraph(mut self, text: impl Into<String>) -> Self {
        self.paragraphs.push(text.into());
        self
    }

    pub fn item(mut self, text: impl Into<String>, path: Option<String>) -> Self {
        self.items.push((text.into(), path));
        self
    }

    pub fn action(mut self, label: impl Into<String>, path: impl Into<String>) -> Self {
        self.action = Some((label.into(), path.into()));
        self
    }

    /// Text and HTML, with absolute links on `base_url`, and the way to stop
    /// receiving this kind of message when there is one.
    pub fn render(&self, base_url: &str, unsubscribe_url: Option<&str>) -> Rendered {
        let mut text = String::from("Bonjour,\n\n");
        let mut html = String::from(
            "<!DOCTYPE html><html lang=\"fr\"><head><meta charset=\"utf-8\"></head>\
             <body style=\"font-family: Marianne, Arial, sans-serif; color: #161616;\"><p>Bonjour,</p>",
        );
        for paragraph in &self.paragraphs {
            text.push_str(paragraph);
            text.push_str("\n\n");
            html.push_str(&format!("<p>{}</p>", escape(paragraph)));
        }
        if !self.items.is_empty() {
            html.push_str("<ul>");
            for (entry, path) in &self.items {
                match path {
                    Some(path) => {
                        let url = format!("{base_url}{path}");
                        text.push_str(&format!("- {entry} : {url}\n"));
                        html.push_str(&format!(
                            "<li><a href=\"{}\">{}</a></li>",
                            escape(&url),
                            escape(entry)
                        ));
                    }
                    None => {
                        text.push_str(&format!("- {entry}\n"));
                        html.push_str(&format!("<li>{}</li>", escape(entry)));
                    }
                }
            }
            html.push_str("</ul>");
            text.push('\n');
        }
        if let Some((label, path)) = &self.action {
            let url = format!("{base_url}{path}");
            text.push_str(&format!("{label} : {url}\n\n"));
            html.push_str(&format!(
                "<p><a href=\"{}\" style=\"color: #000091;\">{}</a></p>",
                escape(&url),
                escape(label)
            ));
        }
        text.push_str("-- \nJeSaisFaire, le dialogue avant la publication des marchés publics.\n");
        text.push_str(&self.reason);
        text.push('\n');
        html.push_str(&format!(
            "<hr><p style=\"font-size: 0.875em; color: #666;\">JeSaisFaire, le dialogue avant la publication des marchés publics.<br>{}",
            escape(&self.reason)
        ));
        if let Some(url) = unsubscribe_url {
            text.push_str(&format!(
                "Ne plus recevoir ces messages : {url}\nVos préférences : {base_url}/mon-compte\n"
            ));
            html.push_str(&format!(
                "<br><a href=\"{}\">Ne plus recevoir ces messages</a> · <a href=\"{}/mon-compte\">Vos préférences</a>",
                escape(url),
                escape(base_url)
            ));
        }
        html.push_str("</p></body></html>");
        Rendered { text, html }
    }

    pub fn to_json(&self) -> Result<String, serde_json::Error> {
        serde_json::to_string(self)
    }

    pub fn from_json(json: &str) -> Result<Self, serde_json::Error> {
        serde_json::from_str(json)
    }
}

pub fn consultation_path(consultation_id: uuid::Uuid) -> String {
    format!("/consultations/{consultation_id}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_letter_renders_escaped_html_absolute_links_and_its_reason() {
        let letter = Letter::new("Sujet", "Vous recevez ce message car…")
            .paragraph("Réponse à « <Entreprise B> » & autres")
            .item("Nouvelle contribution", Some("/consultations/2".into()))
            .action("Voir la consultation", "/consultations/1");
        let rendered = letter.render("https://exemple.gouv.fr", Some("https://u"));
        assert!(
            rendered
                .text
                .contains("Voir la consultation : https://exemple.gouv.fr/consultations/1")
        );
        assert!(
            rendered
                .html
                .contains("« &lt;Entreprise B&gt; » &amp; autres")
        );
        assert!(rendered.html.contains("href=\"https://u\""));
        assert!(
            rendered
                .text
                .contains("- Nouvelle contribution : https://exemple.gouv.fr/consultations/2")
        );
        assert!(rendered.text.contains("Vous recevez ce message car…"));
        assert_eq!(
            Letter::from_json(&letter.to_json().unwrap()).unwrap(),
            letter
        );
    }
}
