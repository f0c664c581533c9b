//! A store's colours as a stylesheet (`/theme.css`): the accent from its settings, a darker one for
//! hover, a pale one for notices, and the text colour that stays readable on it (WCAG contrast).

/// An `#rrggbb` colour.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rgb(u8, u8, u8);

impl Rgb {
    /// `#rrggbb` (either case); anything else is not a colour.
    #[must_use]
    pub fn parse(text: &str) -> Option<Self> {
        let hex = text.strip_prefix('#')?;
        if hex.len() != 6 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        let channel = |at: usize| u8::from_str_radix(&hex[at..at + 2], 16).ok();
        Some(Self(channel(0)?, channel(2)?, channel(4)?))
    }

    fn css(self) -> String {
        format!("#{:02x}{:02x}{:02x}", self.0, self.1, self.2)
    }

    /// Towards black (`by` < 1) or white (`towards_white`).
    fn mix(self, other: u8, keep: f64) -> Self {
        let mix = |c: u8| (f64::from(c) * keep + f64::from(other) * (1.0 - keep)).round() as u8;
        Self(mix(self.0), mix(self.1), mix(self.2))
    }

    /// Relative luminance, as WCAG 2 defines it.
    fn luminance(self) -> f64 {
        let linear = |c: u8| {
            let c = f64::from(c) / 255.0;
            if c <= 0.039_28 {
                c / 12.92
            } else {
                ((c + 0.055) / 1.055).powf(2.4)
            }
        };
        0.2126 * linear(self.0) + 0.7152 * linear(self.1) + 0.0722 * linear(self.2)
    }
}

/// The stylesheet for `accent`; the app's own colours when the store has none.
#[must_use]
pub fn stylesheet(accent: Option<&str>) -> String {
    let Some(accent) = accent.and_then(Rgb::parse) else {
        return "/* the store keeps the default colours */\n".to_owned();
    };
    // White text when it contrasts more than black does on this colour.
    let on_accent = if accent.luminance() > 0.179 {
        "#111111"
    } else {
        "#ffffff"
    };
    format!(
        ":root {{\n  --accent: {};\n  --accent-strong: {};\n  --accent-soft: {};\n  --on-accent: {on_accent};\n}}\n",
        accent.css(),
        accent.mix(0, 0.8).css(),
        accent.mix(255, 0.1).css(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_hex_colours_are_read() {
        assert_eq!(Rgb::parse("#1F5fbf"), Some(Rgb(0x1f, 0x5f, 0xbf)));
        for bad in ["1f5fbf", "#1f5fb", "#1f5fbg", "red", "#1f5fbf; }", ""] {
            assert_eq!(Rgb::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn text_on_the_accent_stays_readable() {
        assert!(stylesheet(Some("#ffd60a")).contains("--on-accent: #111111"));
        assert!(stylesheet(Some("#1f5fbf")).contains("--on-accent: #ffffff"));
        assert!(stylesheet(Some("#1f5fbf")).contains("--accent-strong: #194c99"));
        assert!(!stylesheet(Some("}body{display:none")).contains("display"));
    }
}
