CREATE TABLE "benefit_payments" (
	"id" serial PRIMARY KEY NOT NULL,
	"payment_ref" text NOT NULL,
	"kind" text NOT NULL,
	"subject_id" char(12) NOT NULL,
	"beneficiary_id" char(12) NOT NULL,
	"amount" bigint NOT NULL,
	"basis" text NOT NULL,
	"paid_at" timestamp with time zone NOT NULL,
	"case_id" text NOT NULL,
	CONSTRAINT "benefit_payments_payment_ref_unique" UNIQUE("payment_ref"),
	CONSTRAINT "benefit_payments_case_id_unique" UNIQUE("case_id"),
	CONSTRAINT "benefit_payments_subject_kind" UNIQUE("subject_id","kind"),
	CONSTRAINT "benefit_payments_amount_positive" CHECK ("benefit_payments"."amount" > 0)
);
--> statement-breakpoint
CREATE TABLE "contribution_records" (
	"personal_id" char(12) PRIMARY KEY NOT NULL,
	"compulsory_months" integer NOT NULL,
	"average_monthly_salary" bigint NOT NULL,
	"pensioner" boolean DEFAULT false NOT NULL,
	"pension_since" date,
	CONSTRAINT "contribution_records_months" CHECK ("contribution_records"."compulsory_months" >= 0)
);
--> statement-breakpoint
CREATE TABLE "convictions" (
	"id" serial PRIMARY KEY NOT NULL,
	"personal_id" char(12) NOT NULL,
	"judgment_ref" text NOT NULL,
	"court" text NOT NULL,
	"date" date NOT NULL,
	"offence" text NOT NULL,
	"sentence" text NOT NULL,
	"expunged" boolean DEFAULT false NOT NULL,
	CONSTRAINT "convictions_judgment_ref_unique" UNIQUE("judgment_ref")
);
--> statement-breakpoint
CREATE TABLE "death_registrations" (
	"id" serial PRIMARY KEY NOT NULL,
	"book_id" integer NOT NULL,
	"entry_number" integer NOT NULL,
	"certificate_number" text NOT NULL,
	"deceased_id" char(12) NOT NULL,
	"date_of_death" date NOT NULL,
	"place_of_death" char(5) NOT NULL,
	"cause" text NOT NULL,
	"death_notice_no" text NOT NULL,
	"declarant_id" char(12) NOT NULL,
	"commune_code" char(5) NOT NULL,
	"registered_at" timestamp with time zone NOT NULL,
	"case_id" text NOT NULL,
	CONSTRAINT "death_registrations_deceased_id_unique" UNIQUE("deceased_id"),
	CONSTRAINT "death_registrations_case_id_unique" UNIQUE("case_id"),
	CONSTRAINT "death_registrations_book_entry" UNIQUE("book_id","entry_number"),
	CONSTRAINT "death_registrations_entry_positive" CHECK ("death_registrations"."entry_number" >= 1)
);
--> statement-breakpoint
CREATE TABLE "judicial_record_certificates" (
	"id" serial PRIMARY KEY NOT NULL,
	"certificate_number" text NOT NULL,
	"personal_id" char(12) NOT NULL,
	"certificate_type" text NOT NULL,
	"convictions" jsonb NOT NULL,
	"issued_at" timestamp with time zone NOT NULL,
	"case_id" text NOT NULL,
	CONSTRAINT "judicial_record_certificates_certificate_number_unique" UNIQUE("certificate_number"),
	CONSTRAINT "judicial_record_certificates_case_id_unique" UNIQUE("case_id")
);
--> statement-breakpoint
CREATE TABLE "marriage_registrations" (
	"id" serial PRIMARY KEY NOT NULL,
	"book_id" integer,
	"entry_number" integer NOT NULL,
	"certificate_number" text NOT NULL,
	"party_a_id" char(12) NOT NULL,
	"party_b_id" char(12) NOT NULL,
	"commune_code" char(5) NOT NULL,
	"registered_at" timestamp with time zone NOT NULL,
	"dissolved_at" timestamp with time zone,
	"case_id" text,
	CONSTRAINT "marriage_registrations_case_id_unique" UNIQUE("case_id"),
	CONSTRAINT "marriage_registrations_book_entry" UNIQUE("book_id","entry_number"),
	CONSTRAINT "marriage_registrations_distinct_parties" CHECK ("marriage_registrations"."party_a_id" <> "marriage_registrations"."party_b_id")
);
--> statement-breakpoint
CREATE TABLE "residence_deletions" (
	"id" serial PRIMARY KEY NOT NULL,
	"personal_id" char(12) NOT NULL,
	"household_id" text NOT NULL,
	"relation_to_head" text NOT NULL,
	"since" date NOT NULL,
	"reason" text NOT NULL,
	"basis_ref" text NOT NULL,
	"deleted_at" timestamp with time zone NOT NULL,
	"case_id" text NOT NULL,
	CONSTRAINT "residence_deletions_case_id_unique" UNIQUE("case_id")
);
--> statement-breakpoint
ALTER TABLE "benefit_payments" ADD CONSTRAINT "benefit_payments_subject_id_persons_personal_id_fk" FOREIGN KEY ("subject_id") REFERENCES "public"."persons"("personal_id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "benefit_payments" ADD CONSTRAINT "benefit_payments_beneficiary_id_persons_personal_id_fk" FOREIGN KEY ("beneficiary_id") REFERENCES "public"."persons"("personal_id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "contribution_records" ADD CONSTRAINT "contribution_records_personal_id_persons_personal_id_fk" FOREIGN KEY ("personal_id") REFERENCES "public"."persons"("personal_id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "convictions" ADD CONSTRAINT "convictions_personal_id_persons_personal_id_fk" FOREIGN KEY ("personal_id") REFERENCES "public"."persons"("personal_id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "death_registrations" ADD CONSTRAINT "death_registrations_book_id_register_books_id_fk" FOREIGN KEY ("book_id") REFERENCES "public"."register_books"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "death_registrations" ADD CONSTRAINT "death_registrations_deceased_id_persons_personal_id_fk" FOREIGN KEY ("deceased_id") REFERENCES "public"."persons"("personal_id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "judicial_record_certificates" ADD CONSTRAINT "judicial_record_certificates_personal_id_persons_personal_id_fk" FOREIGN KEY ("personal_id") REFERENCES "public"."persons"("personal_id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "marriage_registrations" ADD CONSTRAINT "marriage_registrations_book_id_register_books_id_fk" FOREIGN KEY ("book_id") REFERENCES "public"."register_books"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "marriage_registrations" ADD CONSTRAINT "marriage_registrations_party_a_id_persons_personal_id_fk" FOREIGN KEY ("party_a_id") REFERENCES "public"."persons"("personal_id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "marriage_registrations" ADD CONSTRAINT "marriage_registrations_party_b_id_persons_personal_id_fk" FOREIGN KEY ("party_b_id") REFERENCES "public"."persons"("personal_id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "residence_deletions" ADD CONSTRAINT "residence_deletions_personal_id_persons_personal_id_fk" FOREIGN KEY ("personal_id") REFERENCES "public"."persons"("personal_id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "residence_deletions" ADD CONSTRAINT "residence_deletions_household_id_households_household_id_fk" FOREIGN KEY ("household_id") REFERENCES "public"."households"("household_id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "convictions_person_idx" ON "convictions" USING btree ("personal_id");--> statement-breakpoint
CREATE INDEX "judicial_record_certificates_person_idx" ON "judicial_record_certificates" USING btree ("personal_id");--> statement-breakpoint
CREATE INDEX "marriage_registrations_a_idx" ON "marriage_registrations" USING btree ("party_a_id");--> statement-breakpoint
CREATE INDEX "marriage_registrations_b_idx" ON "marriage_registrations" USING btree ("party_b_id");--> statement-breakpoint
CREATE INDEX "residence_deletions_person_idx" ON "residence_deletions" USING btree ("personal_id");