ALTER TABLE "ds_deadlines" ADD COLUMN "entity" text DEFAULT '' NOT NULL;--> statement-breakpoint
CREATE INDEX "ds_deadlines_run_idx" ON "ds_deadlines" USING btree ("run_id","entity");