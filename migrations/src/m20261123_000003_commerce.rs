//! The store: settings, catalog and stock, customers, carts, orders, refunds, idempotency keys and
//! payment events. Every table leads its key with `organization_id`.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// A foreign key from `(organization_id, column)` of `from` to `(organization_id, id)` of `to`: a
/// row can only point at a row of its own tenant.
fn tenant_fk(
    name: &str,
    from: (
        impl IntoIden + 'static,
        impl IntoIden + 'static,
        impl IntoIden + 'static,
    ),
    to: (
        impl IntoIden + 'static,
        impl IntoIden + 'static,
        impl IntoIden + 'static,
    ),
) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .name(name)
        .from_tbl(from.0)
        .from_col(from.1)
        .from_col(from.2)
        .to_tbl(to.0)
        .to_col(to.1)
        .to_col(to.2)
        .on_delete(ForeignKeyAction::Cascade)
        .to_owned()
}

fn org_fk(
    name: &str,
    table: impl IntoIden + 'static,
    column: impl IntoIden + 'static,
) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .name(name)
        .from(table, column)
        .to(Organization::Table, Organization::Id)
        .on_delete(ForeignKeyAction::Cascade)
        .to_owned()
}

async fn index(
    manager: &SchemaManager<'_>,
    name: &str,
    table: impl IntoIden + 'static,
    columns: Vec<DynIden>,
    unique: bool,
) -> Result<(), DbErr> {
    let mut statement = Index::create().name(name).table(table).to_owned();
    for column in columns {
        statement.col(column);
    }
    if unique {
        statement.unique();
    }
    manager.create_index(statement).await
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(StoreSettings::Table)
                    .col(uuid(StoreSettings::OrganizationId).primary_key())
                    .col(string_len(StoreSettings::Name, 200))
                    .col(string_len(StoreSettings::Currency, 3))
                    .col(string_len_null(StoreSettings::SupportEmail, 320))
                    .col(string_len_null(StoreSettings::StripeWebhookSecret, 255))
                    .col(timestamp_with_time_zone(StoreSettings::UpdatedAt))
                    .foreign_key(&mut org_fk(
                        "fk_store_settings_organization",
                        StoreSettings::Table,
                        StoreSettings::OrganizationId,
                    ))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Product::Table)
                    .col(uuid(Product::OrganizationId))
                    .col(uuid(Product::Id))
                    .col(string_len(Product::Title, 300))
                    .col(string_len(Product::Handle, 200))
                    .col(text(Product::Description))
                    .col(string_len(Product::Status, 16))
                    .col(timestamp_with_time_zone(Product::CreatedAt))
                    .col(timestamp_with_time_zone(Product::UpdatedAt))
                    .primary_key(
                        Index::create()
                            .col(Product::OrganizationId)
                            .col(Product::Id),
                    )
                    .foreign_key(&mut org_fk(
                        "fk_product_organization",
                        Product::Table,
                        Product::OrganizationId,
                    ))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "ux_product_handle",
            Product::Table,
            vec![
                Product::OrganizationId.into_iden(),
                Product::Handle.into_iden(),
            ],
            true,
        )
        .await?;
        index(
            manager,
            "ix_product_status",
            Product::Table,
            vec![
                Product::OrganizationId.into_iden(),
                Product::Status.into_iden(),
                Product::Id.into_iden(),
            ],
            false,
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(ProductVariant::Table)
                    .col(uuid(ProductVariant::OrganizationId))
                    .col(uuid(ProductVariant::Id))
                    .col(uuid(ProductVariant::ProductId))
                    .col(string_len(ProductVariant::Sku, 100))
                    .col(string_len(ProductVariant::Title, 300))
                    .col(big_integer(ProductVariant::PriceAmount))
                    .col(string_len(ProductVariant::Currency, 3))
                    .col(big_integer(ProductVariant::Available))
                    .col(integer(ProductVariant::Position))
                    .col(timestamp_with_time_zone(ProductVariant::CreatedAt))
                    .col(timestamp_with_time_zone(ProductVariant::UpdatedAt))
                    .primary_key(
                        Index::create()
                            .col(ProductVariant::OrganizationId)
                            .col(ProductVariant::Id),
                    )
                    .foreign_key(&mut tenant_fk(
                        "fk_variant_product",
                        (
                            ProductVariant::Table,
                            ProductVariant::OrganizationId,
                            ProductVariant::ProductId,
                        ),
                        (Product::Table, Product::OrganizationId, Product::Id),
                    ))
                    .check(Expr::col(ProductVariant::Available).gte(0))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "ux_variant_sku",
            ProductVariant::Table,
            vec![
                ProductVariant::OrganizationId.into_iden(),
                ProductVariant::Sku.into_iden(),
            ],
            true,
        )
        .await?;
        index(
            manager,
            "ix_variant_product",
            ProductVariant::Table,
            vec![
                ProductVariant::OrganizationId.into_iden(),
                ProductVariant::ProductId.into_iden(),
            ],
            false,
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(InventoryAdjustment::Table)
                    .col(uuid(InventoryAdjustment::OrganizationId))
                    .col(uuid(InventoryAdjustment::Id))
                    .col(uuid(InventoryAdjustment::VariantId))
                    .col(big_integer(InventoryAdjustment::Delta))
                    .col(big_integer(InventoryAdjustment::AvailableAfter))
                    .col(string_len(InventoryAdjustment::Reason, 200))
                    .col(string_len(InventoryAdjustment::ActorKind, 16))
                    .col(string_len_null(InventoryAdjustment::PrincipalId, 255))
                    .col(timestamp_with_time_zone(InventoryAdjustment::CreatedAt))
                    .primary_key(
                        Index::create()
                            .col(InventoryAdjustment::OrganizationId)
                            .col(InventoryAdjustment::Id),
                    )
                    .foreign_key(&mut tenant_fk(
                        "fk_adjustment_variant",
                        (
                            InventoryAdjustment::Table,
                            InventoryAdjustment::OrganizationId,
                            InventoryAdjustment::VariantId,
                        ),
                        (
                            ProductVariant::Table,
                            ProductVariant::OrganizationId,
                            ProductVariant::Id,
                        ),
                    ))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Customer::Table)
                    .col(uuid(Customer::OrganizationId))
                    .col(uuid(Customer::Id))
                    .col(string_len(Customer::Email, 320))
                    .col(string_len_null(Customer::Name, 200))
                    .col(uuid_null(Customer::UserId))
                    .col(timestamp_with_time_zone(Customer::CreatedAt))
                    .col(timestamp_with_time_zone(Customer::UpdatedAt))
                    .primary_key(
                        Index::create()
                            .col(Customer::OrganizationId)
                            .col(Customer::Id),
                    )
                    .foreign_key(&mut org_fk(
                        "fk_customer_organization",
                        Customer::Table,
                        Customer::OrganizationId,
                    ))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "ux_customer_email",
            Customer::Table,
            vec![
                Customer::OrganizationId.into_iden(),
                Customer::Email.into_iden(),
            ],
            true,
        )
        .await?;
        index(
            manager,
            "ix_customer_user",
            Customer::Table,
            vec![
                Customer::OrganizationId.into_iden(),
                Customer::UserId.into_iden(),
            ],
            false,
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(Cart::Table)
                    .col(uuid(Cart::OrganizationId))
                    .col(uuid(Cart::Id))
                    .col(string_len(Cart::Currency, 3))
                    .col(uuid_null(Cart::UserId))
                    .col(string_len(Cart::Status, 16))
                    .col(timestamp_with_time_zone(Cart::CreatedAt))
                    .col(timestamp_with_time_zone(Cart::UpdatedAt))
                    .primary_key(Index::create().col(Cart::OrganizationId).col(Cart::Id))
                    .foreign_key(&mut org_fk(
                        "fk_cart_organization",
                        Cart::Table,
                        Cart::OrganizationId,
                    ))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(CartItem::Table)
                    .col(uuid(CartItem::OrganizationId))
                    .col(uuid(CartItem::Id))
                    .col(uuid(CartItem::CartId))
                    .col(uuid(CartItem::VariantId))
                    .col(big_integer(CartItem::Quantity))
                    .col(timestamp_with_time_zone(CartItem::CreatedAt))
                    .primary_key(
                        Index::create()
                            .col(CartItem::OrganizationId)
                            .col(CartItem::Id),
                    )
                    .foreign_key(&mut tenant_fk(
                        "fk_cart_item_cart",
                        (CartItem::Table, CartItem::OrganizationId, CartItem::CartId),
                        (Cart::Table, Cart::OrganizationId, Cart::Id),
                    ))
                    .foreign_key(&mut tenant_fk(
                        "fk_cart_item_variant",
                        (
                            CartItem::Table,
                            CartItem::OrganizationId,
                            CartItem::VariantId,
                        ),
                        (
                            ProductVariant::Table,
                            ProductVariant::OrganizationId,
                            ProductVariant::Id,
                        ),
                    ))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "ux_cart_item_variant",
            CartItem::Table,
            vec![
                CartItem::OrganizationId.into_iden(),
                CartItem::CartId.into_iden(),
                CartItem::VariantId.into_iden(),
            ],
            true,
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(SalesOrder::Table)
                    .col(uuid(SalesOrder::OrganizationId))
                    .col(uuid(SalesOrder::Id))
                    .col(uuid(SalesOrder::CartId))
                    .col(uuid_null(SalesOrder::CustomerId))
                    .col(uuid_null(SalesOrder::UserId))
                    .col(string_len(SalesOrder::Email, 320))
                    .col(string_len(SalesOrder::Status, 32))
                    .col(string_len(SalesOrder::Currency, 3))
                    .col(big_integer(SalesOrder::Total))
                    .col(big_integer(SalesOrder::PaidAmount))
                    .col(big_integer(SalesOrder::RefundedAmount))
                    .col(timestamp_with_time_zone(SalesOrder::CreatedAt))
                    .col(timestamp_with_time_zone(SalesOrder::UpdatedAt))
                    .primary_key(
                        Index::create()
                            .col(SalesOrder::OrganizationId)
                            .col(SalesOrder::Id),
                    )
                    .foreign_key(&mut org_fk(
                        "fk_order_organization",
                        SalesOrder::Table,
                        SalesOrder::OrganizationId,
                    ))
                    .to_owned(),
            )
            .await?;
        // A cart becomes at most one order, whatever races.
        index(
            manager,
            "ux_order_cart",
            SalesOrder::Table,
            vec![
                SalesOrder::OrganizationId.into_iden(),
                SalesOrder::CartId.into_iden(),
            ],
            true,
        )
        .await?;
        index(
            manager,
            "ix_order_status",
            SalesOrder::Table,
            vec![
                SalesOrder::OrganizationId.into_iden(),
                SalesOrder::Status.into_iden(),
                SalesOrder::Id.into_iden(),
            ],
            false,
        )
        .await?;
        index(
            manager,
            "ix_order_customer",
            SalesOrder::Table,
            vec![
                SalesOrder::OrganizationId.into_iden(),
                SalesOrder::CustomerId.into_iden(),
            ],
            false,
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(OrderLine::Table)
                    .col(uuid(OrderLine::OrganizationId))
                    .col(uuid(OrderLine::Id))
                    .col(uuid(OrderLine::OrderId))
                    .col(uuid(OrderLine::ProductId))
                    .col(uuid(OrderLine::VariantId))
                    .col(string_len(OrderLine::Sku, 100))
                    .col(string_len(OrderLine::Title, 300))
                    .col(big_integer(OrderLine::Quantity))
                    .col(big_integer(OrderLine::UnitPrice))
                    .col(big_integer(OrderLine::LineTotal))
                    .primary_key(
                        Index::create()
                            .col(OrderLine::OrganizationId)
                            .col(OrderLine::Id),
                    )
                    .foreign_key(&mut tenant_fk(
                        "fk_order_line_order",
                        (
                            OrderLine::Table,
                            OrderLine::OrganizationId,
                            OrderLine::OrderId,
                        ),
                        (
                            SalesOrder::Table,
                            SalesOrder::OrganizationId,
                            SalesOrder::Id,
                        ),
                    ))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "ix_order_line_order",
            OrderLine::Table,
            vec![
                OrderLine::OrganizationId.into_iden(),
                OrderLine::OrderId.into_iden(),
            ],
            false,
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(Refund::Table)
                    .col(uuid(Refund::OrganizationId))
                    .col(uuid(Refund::Id))
                    .col(uuid(Refund::OrderId))
                    .col(big_integer(Refund::Amount))
                    .col(string_len_null(Refund::Reason, 500))
                    .col(timestamp_with_time_zone(Refund::CreatedAt))
                    .primary_key(Index::create().col(Refund::OrganizationId).col(Refund::Id))
                    .foreign_key(&mut tenant_fk(
                        "fk_refund_order",
                        (Refund::Table, Refund::OrganizationId, Refund::OrderId),
                        (
                            SalesOrder::Table,
                            SalesOrder::OrganizationId,
                            SalesOrder::Id,
                        ),
                    ))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(IdempotencyKey::Table)
                    .col(uuid(IdempotencyKey::OrganizationId))
                    .col(string_len(IdempotencyKey::PrincipalId, 255))
                    .col(string_len(IdempotencyKey::Operation, 64))
                    .col(string_len(IdempotencyKey::Key, 255))
                    .col(string_len(IdempotencyKey::Fingerprint, 64))
                    .col(string_len(IdempotencyKey::State, 16))
                    .col(integer_null(IdempotencyKey::ResponseStatus))
                    .col(text_null(IdempotencyKey::ResponseBody))
                    .col(timestamp_with_time_zone(IdempotencyKey::CreatedAt))
                    .primary_key(
                        Index::create()
                            .col(IdempotencyKey::OrganizationId)
                            .col(IdempotencyKey::PrincipalId)
                            .col(IdempotencyKey::Operation)
                            .col(IdempotencyKey::Key),
                    )
                    .foreign_key(&mut org_fk(
                        "fk_idempotency_organization",
                        IdempotencyKey::Table,
                        IdempotencyKey::OrganizationId,
                    ))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(PaymentEvent::Table)
                    .col(uuid(PaymentEvent::OrganizationId))
                    .col(uuid(PaymentEvent::Id))
                    .col(string_len(PaymentEvent::Provider, 32))
                    .col(string_len(PaymentEvent::EventId, 255))
                    .col(string_len(PaymentEvent::EventType, 64))
                    .col(uuid_null(PaymentEvent::OrderId))
                    .col(big_integer_null(PaymentEvent::Amount))
                    .col(string_len_null(PaymentEvent::Currency, 3))
                    .col(text(PaymentEvent::Payload))
                    .col(string_len(PaymentEvent::Status, 16))
                    .col(text_null(PaymentEvent::Error))
                    .col(integer(PaymentEvent::Attempts))
                    .col(timestamp_with_time_zone(PaymentEvent::CreatedAt))
                    .col(timestamp_with_time_zone_null(PaymentEvent::ProcessedAt))
                    .primary_key(
                        Index::create()
                            .col(PaymentEvent::OrganizationId)
                            .col(PaymentEvent::Id),
                    )
                    .foreign_key(&mut org_fk(
                        "fk_payment_event_organization",
                        PaymentEvent::Table,
                        PaymentEvent::OrganizationId,
                    ))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "ux_payment_event_provider_id",
            PaymentEvent::Table,
            vec![
                PaymentEvent::OrganizationId.into_iden(),
                PaymentEvent::Provider.into_iden(),
                PaymentEvent::EventId.into_iden(),
            ],
            true,
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            PaymentEvent::Table.into_iden(),
            IdempotencyKey::Table.into_iden(),
            Refund::Table.into_iden(),
            OrderLine::Table.into_iden(),
            SalesOrder::Table.into_iden(),
            CartItem::Table.into_iden(),
            Cart::Table.into_iden(),
            Customer::Table.into_iden(),
            InventoryAdjustment::Table.into_iden(),
            ProductVariant::Table.into_iden(),
            Product::Table.into_iden(),
            StoreSettings::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden)]
enum Organization {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum StoreSettings {
    Table,
    OrganizationId,
    Name,
    Currency,
    SupportEmail,
    StripeWebhookSecret,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Product {
    Table,
    OrganizationId,
    Id,
    Title,
    Handle,
    Description,
    Status,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum ProductVariant {
    Table,
    OrganizationId,
    Id,
    ProductId,
    Sku,
    Title,
    PriceAmount,
    Currency,
    Available,
    Position,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum InventoryAdjustment {
    Table,
    OrganizationId,
    Id,
    VariantId,
    Delta,
    AvailableAfter,
    Reason,
    ActorKind,
    PrincipalId,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Customer {
    Table,
    OrganizationId,
    Id,
    Email,
    Name,
    UserId,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Cart {
    Table,
    OrganizationId,
    Id,
    Currency,
    UserId,
    Status,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum CartItem {
    Table,
    OrganizationId,
    Id,
    CartId,
    VariantId,
    Quantity,
    CreatedAt,
}

#[derive(DeriveIden)]
enum SalesOrder {
    Table,
    OrganizationId,
    Id,
    CartId,
    CustomerId,
    UserId,
    Email,
    Status,
    Currency,
    Total,
    PaidAmount,
    RefundedAmount,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum OrderLine {
    Table,
    OrganizationId,
    Id,
    OrderId,
    ProductId,
    VariantId,
    Sku,
    Title,
    Quantity,
    UnitPrice,
    LineTotal,
}

#[derive(DeriveIden)]
enum Refund {
    Table,
    OrganizationId,
    Id,
    OrderId,
    Amount,
    Reason,
    CreatedAt,
}

#[derive(DeriveIden)]
enum IdempotencyKey {
    Table,
    OrganizationId,
    PrincipalId,
    Operation,
    Key,
    Fingerprint,
    State,
    ResponseStatus,
    ResponseBody,
    CreatedAt,
}

#[derive(DeriveIden)]
enum PaymentEvent {
    Table,
    OrganizationId,
    Id,
    Provider,
    EventId,
    EventType,
    OrderId,
    Amount,
    Currency,
    Payload,
    Status,
    Error,
    Attempts,
    CreatedAt,
    ProcessedAt,
}
