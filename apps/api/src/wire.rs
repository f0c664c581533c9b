//! The store's domain values as the api answers them: each commerce type mapped to its
//! `api_types` wire type, here and nowhere else, so that a change of either side is one edit.

use api_types::commerce as wire;
use commerce::carts::{PricedCart, PricedLine};
use commerce::catalog::{Product, Variant};
use commerce::customers::Customer;
use commerce::orders::{Order, OrderLine, Refund, ShippingAddress, StatusKeys};
use commerce::payments::PaymentEvent;
use commerce::stats::{Stats, TopProduct};
use commerce::store::StoreSettings;
use domain::OrgId;

/// A domain value's wire form.
pub trait ToWire {
    type Wire;

    fn wire(self) -> Self::Wire;
}

impl<T: ToWire> ToWire for Vec<T> {
    type Wire = Vec<T::Wire>;

    fn wire(self) -> Self::Wire {
        self.into_iter().map(ToWire::wire).collect()
    }
}

impl<T: ToWire> ToWire for Option<T> {
    type Wire = Option<T::Wire>;

    fn wire(self) -> Self::Wire {
        self.map(ToWire::wire)
    }
}

impl ToWire for Variant {
    type Wire = wire::Variant;

    fn wire(self) -> wire::Variant {
        wire::Variant {
            id: self.id.as_uuid(),
            sku: self.sku,
            title: self.title,
            price: self.price,
            inventory: wire::Inventory {
                available: self.available,
            },
        }
    }
}

impl ToWire for Product {
    type Wire = wire::Product;

    fn wire(self) -> wire::Product {
        wire::Product {
            id: self.id.as_uuid(),
            title: self.title,
            handle: self.handle,
            description: self.description,
            status: self.status,
            variants: self.variants.wire(),
            created_at: self.created_at,
            updated_at: self.updated_at,
        }
    }
}

/// A variant's stock, as the inventory lists it.
pub fn inventory_level(variant: Variant) -> wire::InventoryLevel {
    wire::InventoryLevel {
        variant_id: variant.id.as_uuid(),
        product_id: variant.product_id.as_uuid(),
        sku: variant.sku,
        title: variant.title,
        available: variant.available,
    }
}

impl ToWire for Customer {
    type Wire = wire::Customer;

    fn wire(self) -> wire::Customer {
        wire::Customer {
            id: self.id.as_uuid(),
            email: self.email,
            name: self.name,
            user_id: self.user_id.map(|user| user.as_uuid()),
            created_at: self.created_at,
            updated_at: self.updated_at,
        }
    }
}

impl ToWire for PricedLine {
    type Wire = wire::CartItem;

    fn wire(self) -> wire::CartItem {
        wire::CartItem {
            id: self.id.as_uuid(),
            variant_id: self.variant.id.as_uuid(),
            product_id: self.variant.product_id.as_uuid(),
            sku: self.variant.sku,
            title: self.variant.title,
            quantity: self.quantity,
            unit_price: self.unit_price,
            total: self.total,
            available: self.variant.available,
        }
    }
}

impl ToWire for PricedCart {
    type Wire = wire::Cart;

    fn wire(self) -> wire::Cart {
        wire::Cart {
            id: self.cart.id.as_uuid(),
            status: self.cart.status,
            currency: self.cart.currency,
            items: self.lines.wire(),
            subtotal: self.subtotal,
            created_at: self.cart.created_at,
            updated_at: self.cart.updated_at,
        }
    }
}

impl ToWire for ShippingAddress {
    type Wire = wire::Address;

    fn wire(self) -> wire::Address {
        wire::Address {
            name: self.name,
            line1: self.line1,
            line2: self.line2,
            city: self.city,
            postal_code: self.postal_code,
            region: self.region,
            country: self.country,
            phone: self.phone,
        }
    }
}

impl ToWire for OrderLine {
    type Wire = wire::OrderLine;

    fn wire(self) -> wire::OrderLine {
        wire::OrderLine {
            id: self.id,
            product_id: self.item.product_id.as_uuid(),
            variant_id: self.item.variant_id.as_uuid(),
            sku: self.item.sku,
            title: self.item.title,
            quantity: self.item.quantity,
            unit_price: self.item.unit_price,
            total: self.item.total,
        }
    }
}

/// Without its status key: only the storefront's answer to the shopper who placed it has one.
impl ToWire for Order {
    type Wire = wire::Order;

    fn wire(self) -> wire::Order {
        wire::Order {
            id: self.id.as_uuid(),
            status: self.status,
            email: self.email,
            customer_id: self.customer_id.map(|customer| customer.as_uuid()),
            items: self.lines.wire(),
            total: self.total,
            paid: self.paid,
            refunded: self.refunded,
            shipping_address: self.shipping_address.wire(),
            status_key: None,
            created_at: self.created_at,
            updated_at: self.updated_at,
        }
    }
}

/// With its status key: the storefront's answer to the shopper who placed it (or holds the key).
pub fn keyed_order(keys: &StatusKeys, org: OrgId, order: Order) -> wire::Order {
    let key = keys.key(org, order.id);
    wire::Order {
        status_key: Some(key),
        ..order.wire()
    }
}

impl ToWire for Refund {
    type Wire = wire::Refund;

    fn wire(self) -> wire::Refund {
        wire::Refund {
            id: self.id.as_uuid(),
            order_id: self.order_id.as_uuid(),
            amount: self.amount,
            reason: self.reason,
            created_at: self.created_at,
        }
    }
}

/// Without its payload: the raw body stays in the store.
impl ToWire for PaymentEvent {
    type Wire = wire::PaymentEvent;

    fn wire(self) -> wire::PaymentEvent {
        wire::PaymentEvent {
            id: self.id.as_uuid(),
            provider: self.provider,
            event_id: self.event_id,
            event_type: self.event_type,
            order_id: self.order_id.map(|order| order.as_uuid()),
            amount: self.amount,
            currency: self.currency,
            status: self.status,
            error: self.error,
            attempts: self.attempts,
            created_at: self.created_at,
            processed_at: self.processed_at,
        }
    }
}

impl ToWire for StoreSettings {
    type Wire = wire::StoreSettings;

    fn wire(self) -> wire::StoreSettings {
        wire::StoreSettings {
            name: self.name,
            currency: self.currency,
            support_email: self.support_email,
            accent_color: self.accent_color,
            stripe_webhook_secret_set: self.stripe_webhook_secret_set,
            updated_at: self.updated_at,
        }
    }
}

/// What a storefront shows of its store: name, currency, accent colour, support address.
pub fn storefront_view(settings: StoreSettings) -> wire::StorefrontView {
    wire::StorefrontView {
        name: settings.name,
        currency: settings.currency,
        accent_color: settings.accent_color,
        support_email: settings.support_email,
    }
}

impl ToWire for TopProduct {
    type Wire = wire::TopProduct;

    fn wire(self) -> wire::TopProduct {
        wire::TopProduct {
            product_id: self.product_id.as_uuid(),
            title: self.title,
            units: self.units,
            revenue: self.revenue,
        }
    }
}

impl ToWire for Stats {
    type Wire = wire::Stats;

    fn wire(self) -> wire::Stats {
        wire::Stats {
            from: self.from,
            to: self.to,
            revenue: self.revenue,
            revenue_by_day: self
                .revenue_by_day
                .into_iter()
                .map(|(day, revenue)| wire::DayRevenue { day, revenue })
                .collect(),
            paid_orders: self.paid_orders,
            average_order_value: self.average_order_value,
            orders_by_status: self
                .orders_by_status
                .into_iter()
                .map(|(status, count)| wire::StatusCount { status, count })
                .collect(),
            top_products: self.top_products.wire(),
        }
    }
}
