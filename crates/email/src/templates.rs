//! Each message as its reader sees it: a subject, a plain-text body and an HTML body that say the
//! same thing. The HTML is one column with inline styles, as mail clients need; the link is also
//! written out, for clients that show no buttons.

use maud::{DOCTYPE, Markup, html};

use crate::Mail;

/// A message ready to be sent.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rendered {
    pub subject: String,
    pub text: String,
    pub html: String,
}

/// What one message says, before it is laid out.
struct Content<'a> {
    subject: String,
    greeting: String,
    lines: Vec<String>,
    /// The button's label and the link it opens.
    action: Option<(&'a str, &'a str)>,
    footer: String,
}

/// Renders `mail`.
#[must_use]
pub fn render(mail: &Mail) -> Rendered {
    let content = match mail {
        Mail::VerifyEmail {
            name,
            link,
            valid_hours,
        } => Content {
            subject: "Verify your email address".to_owned(),
            greeting: format!("Hello {name},"),
            lines: vec![
                "Please confirm that this is your email address by following the link below."
                    .to_owned(),
            ],
            action: Some(("Verify my email", link)),
            footer: format!(
                "The link works once, for {valid_hours} hours. If you did not create an account, \
                 ignore this email."
            ),
        },
        Mail::ResetPassword {
            name,
            link,
            valid_minutes,
        } => Content {
            subject: "Reset your password".to_owned(),
            greeting: format!("Hello {name},"),
            lines: vec![
                "Someone asked to reset the password of your account. Follow the link below to \
                 choose a new one; every device signed in to your account will be signed out."
                    .to_owned(),
            ],
            action: Some(("Choose a new password", link)),
            footer: format!(
                "The link works once, for {valid_minutes} minutes. If you did not ask for this, \
                 ignore this email: your password stays as it is."
            ),
        },
        Mail::AccountExists {
            name,
            sign_in_link,
            reset_link,
        } => Content {
            subject: "Someone tried to create an account with your address".to_owned(),
            greeting: format!("Hello {name},"),
            lines: vec![
                "Someone asked to create an account with this email address, which already has \
                 one. If it was you, sign in with the link below."
                    .to_owned(),
                format!("Forgot your password? Choose a new one: {reset_link}"),
            ],
            action: Some(("Sign in", sign_in_link)),
            footer: "If it was not you, ignore this email: nothing changed in your account."
                .to_owned(),
        },
        Mail::Invitation {
            store,
            inviter,
            role,
            link,
            valid_days,
        } => Content {
            subject: format!("{inviter} invited you to {store}"),
            greeting: "Hello,".to_owned(),
            lines: vec![format!(
                "{inviter} invited you to join the team of {store} as {role}. Follow the link \
                 below to accept; if you have no account yet, you can create one with this \
                 address."
            )],
            action: Some(("Accept the invitation", link)),
            footer: format!(
                "The invitation works for {valid_days} days. If you did not expect it, ignore \
                 this email: nothing changes until you accept."
            ),
        },
        Mail::OrderConfirmation {
            store,
            reference,
            lines,
            total,
            link,
        } => Content {
            subject: format!("Your order {reference} at {store}"),
            greeting: "Hello,".to_owned(),
            lines: std::iter::once(format!(
                "Thank you for your order {reference} at {store}. We are waiting for its payment, \
                 and will prepare it once it arrives."
            ))
            .chain(
                lines
                    .iter()
                    .map(|line| format!("{} × {} — {}", line.quantity, line.title, line.total)),
            )
            .chain(std::iter::once(format!("Total: {total}")))
            .collect(),
            action: link
                .as_deref()
                .map(|link| ("See where your order stands", link)),
            footer: format!("Keep this email: {reference} is how {store} finds your order."),
        },
    };
    Rendered {
        text: text(&content),
        html: html(&content).into_string(),
        subject: content.subject,
    }
}

fn text(content: &Content<'_>) -> String {
    let mut body = format!("{}\n\n", content.greeting);
    for line in &content.lines {
        body.push_str(line);
        body.push_str("\n\n");
    }
    if let Some((action, link)) = content.action {
        body.push_str(&format!("{action}:\n{link}\n\n"));
    }
    body.push_str(&content.footer);
    body.push('\n');
    body
}

fn html(content: &Content<'_>) -> Markup {
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (content.subject) }
            }
            body style="margin:0;padding:24px;background:#f4f4f5;font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;color:#18181b" {
                div style="max-width:520px;margin:0 auto;background:#ffffff;border-radius:8px;padding:32px" {
                    p style="margin:0 0 16px;font-size:16px" { (content.greeting) }
                    @for line in &content.lines {
                        p style="margin:0 0 16px;font-size:16px;line-height:1.5" { (line) }
                    }
                    @if let Some((action, link)) = content.action {
                        p style="margin:24px 0" {
                            a href=(link) style="display:inline-block;background:#18181b;color:#ffffff;text-decoration:none;padding:12px 20px;border-radius:6px;font-weight:600" {
                                (action)
                            }
                        }
                        p style="margin:0 0 16px;font-size:13px;color:#52525b;word-break:break-all" {
                            "Or open this address: " (link)
                        }
                    }
                    p style="margin:0;font-size:13px;color:#52525b" { (content.footer) }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reset() -> Mail {
        Mail::ResetPassword {
            name: "Ada <Lovelace>".to_owned(),
            link: "https://dash.example/reset-password?token=a&b".to_owned(),
            valid_minutes: 60,
        }
    }

    #[test]
    fn both_bodies_carry_the_link_and_its_lifetime() {
        let rendered = render(&reset());
        assert_eq!(rendered.subject, "Reset your password");
        assert!(
            rendered
                .text
                .contains("https://dash.example/reset-password?token=a&b")
        );
        assert!(rendered.text.contains("60 minutes"));
        assert!(
            rendered
                .html
                .contains(r#"href="https://dash.example/reset-password?token=a&amp;b""#)
        );
        assert!(rendered.html.contains("60 minutes"));
    }

    #[test]
    fn names_are_escaped_in_html_and_kept_in_text() {
        let rendered = render(&reset());
        assert!(rendered.html.contains("Hello Ada &lt;Lovelace&gt;,"));
        assert!(!rendered.html.contains("<Lovelace>"));
        assert!(rendered.text.starts_with("Hello Ada <Lovelace>,\n"));
    }

    #[test]
    fn an_invitation_names_the_store_the_inviter_and_the_role() {
        let rendered = render(&Mail::Invitation {
            store: "Acme & Co".to_owned(),
            inviter: "Ada".to_owned(),
            role: "admin".to_owned(),
            link: "https://dash.example/invitations/accept?token=t".to_owned(),
            valid_days: 7,
        });
        assert_eq!(rendered.subject, "Ada invited you to Acme & Co");
        assert!(
            rendered
                .text
                .contains("join the team of Acme & Co as admin")
        );
        assert!(rendered.html.contains("Acme &amp; Co as admin"));
        assert!(rendered.text.contains("7 days"));
    }

    #[test]
    fn an_order_confirmation_lists_the_lines_and_links_only_when_it_can() {
        let order = |link: Option<&str>| Mail::OrderConfirmation {
            store: "Acme".to_owned(),
            reference: "#0190A1B2".to_owned(),
            lines: vec![crate::OrderedLine {
                quantity: 3,
                title: "Tee <b>".to_owned(),
                total: "€30.00".to_owned(),
            }],
            total: "€30.00".to_owned(),
            link: link.map(str::to_owned),
        };
        let linked = render(&order(Some("https://shop.acme.test/orders/1?key=k")));
        assert_eq!(linked.subject, "Your order #0190A1B2 at Acme");
        assert!(
            linked.text.contains("3 × Tee <b> — €30.00\n"),
            "{}",
            linked.text
        );
        assert!(linked.text.contains("Total: €30.00"));
        assert!(linked.html.contains("3 × Tee &lt;b&gt; — €30.00"));
        assert!(
            linked
                .text
                .contains("https://shop.acme.test/orders/1?key=k")
        );
        let unlinked = render(&order(None));
        assert!(!unlinked.text.contains("http"), "{}", unlinked.text);
        assert!(!unlinked.html.contains("href"), "{}", unlinked.html);
    }

    #[test]
    fn a_second_sign_up_tells_the_owner_and_offers_both_ways_back() {
        let rendered = render(&Mail::AccountExists {
            name: "Ada".to_owned(),
            sign_in_link: "https://dash.example/sign-in".to_owned(),
            reset_link: "https://dash.example/forgot-password".to_owned(),
        });
        assert!(rendered.subject.contains("tried to create an account"));
        assert!(
            rendered
                .text
                .contains("Sign in:\nhttps://dash.example/sign-in")
        );
        assert!(
            rendered
                .text
                .contains("https://dash.example/forgot-password")
        );
        assert!(rendered.html.contains("nothing changed"));
    }

    #[test]
    fn a_verification_says_what_it_is_for() {
        let rendered = render(&Mail::VerifyEmail {
            name: "Ada".to_owned(),
            link: "https://dash.example/verify-email?token=t".to_owned(),
            valid_hours: 24,
        });
        assert_eq!(rendered.subject, "Verify your email address");
        assert!(
            rendered
                .text
                .contains("Verify my email:\nhttps://dash.example/verify-email?token=t")
        );
        assert!(rendered.html.contains("24 hours"));
    }
}
