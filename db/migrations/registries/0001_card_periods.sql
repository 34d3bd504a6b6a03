-- A re-issued card keeps its number: the card number is no longer the key (Postgres names the old key <table>_pkey).
ALTER TABLE "health_insurance_cards" DROP CONSTRAINT "health_insurance_cards_pkey";--> statement-breakpoint
ALTER TABLE "health_insurance_cards" ADD COLUMN "id" serial PRIMARY KEY NOT NULL;--> statement-breakpoint
ALTER TABLE "health_insurance_cards" ADD CONSTRAINT "health_insurance_cards_person_valid_from" UNIQUE("personal_id","valid_from");
