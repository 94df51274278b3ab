"""Update reminders (TAX-11): datasets overdue against their update frequency (更新周期), their providers reminded."""
