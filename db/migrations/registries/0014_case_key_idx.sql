CREATE INDEX "benefit_payments_case_idx" ON "benefit_payments" USING btree (split_part("case_id", '#', 1));--> statement-breakpoint
CREATE INDEX "birth_registrations_case_idx" ON "birth_registrations" USING btree (split_part("case_id", '#', 1));--> statement-breakpoint
CREATE INDEX "death_registrations_case_idx" ON "death_registrations" USING btree (split_part("case_id", '#', 1));--> statement-breakpoint
CREATE INDEX "health_insurance_cards_case_idx" ON "health_insurance_cards" USING btree (split_part("issued_by_case_id", '#', 1));--> statement-breakpoint
CREATE INDEX "household_members_case_idx" ON "household_members" USING btree (split_part("added_by_case_id", '#', 1));--> statement-breakpoint
CREATE INDEX "judicial_record_certificates_case_idx" ON "judicial_record_certificates" USING btree (split_part("case_id", '#', 1));--> statement-breakpoint
CREATE INDEX "marriage_registrations_case_idx" ON "marriage_registrations" USING btree (split_part("case_id", '#', 1));--> statement-breakpoint
CREATE INDEX "persons_case_idx" ON "persons" USING btree (split_part("created_by_case_id", '#', 1));--> statement-breakpoint
CREATE INDEX "residence_deletions_case_idx" ON "residence_deletions" USING btree (split_part("case_id", '#', 1));--> statement-breakpoint
CREATE INDEX "tax_registrations_case_idx" ON "tax_registrations" USING btree (split_part("case_id", '#', 1));--> statement-breakpoint
CREATE INDEX "unemployment_decisions_case_idx" ON "unemployment_decisions" USING btree (split_part("case_id", '#', 1));