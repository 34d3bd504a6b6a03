CREATE TABLE "birth_registrations" (
	"id" serial PRIMARY KEY NOT NULL,
	"book_id" integer NOT NULL,
	"entry_number" integer NOT NULL,
	"certificate_number" text NOT NULL,
	"child_id" char(12) NOT NULL,
	"commune_code" char(5) NOT NULL,
	"registered_at" timestamp with time zone NOT NULL,
	"medical_birth_notice_no" text NOT NULL,
	"case_id" text NOT NULL,
	CONSTRAINT "birth_registrations_child_id_unique" UNIQUE("child_id"),
	CONSTRAINT "birth_registrations_case_id_unique" UNIQUE("case_id"),
	CONSTRAINT "birth_registrations_book_entry" UNIQUE("book_id","entry_number"),
	CONSTRAINT "birth_registrations_entry_positive" CHECK ("birth_registrations"."entry_number" >= 1)
);
--> statement-breakpoint
CREATE TABLE "health_insurance_cards" (
	"card_number" text PRIMARY KEY NOT NULL,
	"social_insurance_number" char(10) NOT NULL,
	"personal_id" char(12) NOT NULL,
	"valid_from" date NOT NULL,
	"valid_to" date NOT NULL,
	"beneficiary_group" text NOT NULL,
	"issued_by_case_id" text,
	"issued_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "health_insurance_cards_issued_by_case_id_unique" UNIQUE("issued_by_case_id"),
	CONSTRAINT "health_insurance_cards_validity" CHECK ("health_insurance_cards"."valid_to" >= "health_insurance_cards"."valid_from")
);
--> statement-breakpoint
CREATE TABLE "household_members" (
	"personal_id" char(12) PRIMARY KEY NOT NULL,
	"household_id" text NOT NULL,
	"relation_to_head" text NOT NULL,
	"since" date NOT NULL,
	"head_consent_ref" text,
	"added_by_case_id" text,
	CONSTRAINT "household_members_added_by_case_id_unique" UNIQUE("added_by_case_id")
);
--> statement-breakpoint
CREATE TABLE "households" (
	"household_id" text PRIMARY KEY NOT NULL,
	"head_id" char(12) NOT NULL,
	"province_code" char(2) NOT NULL,
	"commune_code" char(5) NOT NULL,
	"street" text NOT NULL,
	CONSTRAINT "households_province_format" CHECK ("households"."province_code" ~ '^[0-9]{2}$'),
	CONSTRAINT "households_commune_format" CHECK ("households"."commune_code" ~ '^[0-9]{5}$')
);
--> statement-breakpoint
CREATE TABLE "persons" (
	"personal_id" char(12) PRIMARY KEY NOT NULL,
	"full_name" text NOT NULL,
	"date_of_birth" date NOT NULL,
	"sex" text NOT NULL,
	"ethnicity" text NOT NULL,
	"nationality" char(2) DEFAULT 'VN' NOT NULL,
	"home_town" char(5) NOT NULL,
	"place_of_birth" char(5) NOT NULL,
	"father_id" char(12),
	"mother_id" char(12),
	"deceased" boolean DEFAULT false NOT NULL,
	"created_by_case_id" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "persons_created_by_case_id_unique" UNIQUE("created_by_case_id"),
	CONSTRAINT "persons_personal_id_format" CHECK ("persons"."personal_id" ~ '^[0-9]{12}$'),
	CONSTRAINT "persons_sex" CHECK ("persons"."sex" in ('male', 'female')),
	CONSTRAINT "persons_home_town_format" CHECK ("persons"."home_town" ~ '^[0-9]{5}$'),
	CONSTRAINT "persons_place_of_birth_format" CHECK ("persons"."place_of_birth" ~ '^[0-9]{5}$')
);
--> statement-breakpoint
CREATE TABLE "register_books" (
	"id" serial PRIMARY KEY NOT NULL,
	"book_code" text NOT NULL,
	"kind" text NOT NULL,
	"commune_code" char(5) NOT NULL,
	"year" integer NOT NULL,
	"next_entry" integer DEFAULT 1 NOT NULL,
	CONSTRAINT "register_books_book_code_unique" UNIQUE("book_code"),
	CONSTRAINT "register_books_commune_year_kind" UNIQUE("commune_code","year","kind"),
	CONSTRAINT "register_books_next_entry_positive" CHECK ("register_books"."next_entry" >= 1)
);
--> statement-breakpoint
CREATE TABLE "social_insurance_numbers" (
	"number" char(10) PRIMARY KEY NOT NULL,
	"personal_id" char(12) NOT NULL,
	"province_code" char(2) NOT NULL,
	"issued_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "social_insurance_numbers_personal_id_unique" UNIQUE("personal_id"),
	CONSTRAINT "social_insurance_numbers_format" CHECK ("social_insurance_numbers"."number" ~ '^[0-9]{10}$')
);
--> statement-breakpoint
CREATE TABLE "audit_log" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"registry" text NOT NULL,
	"operation" text NOT NULL,
	"kind" text NOT NULL,
	"subject_id" text,
	"fields" text[] NOT NULL,
	"outcome" text NOT NULL,
	"procedure_id" text NOT NULL,
	"procedure_version" integer NOT NULL,
	"case_id" text NOT NULL,
	"agency" text NOT NULL,
	"purpose" text NOT NULL,
	"legal_basis" text NOT NULL,
	"actor" text NOT NULL,
	CONSTRAINT "audit_log_kind" CHECK ("audit_log"."kind" in ('read', 'write')),
	CONSTRAINT "audit_log_outcome" CHECK ("audit_log"."outcome" in ('ok', 'not_found', 'error'))
);
--> statement-breakpoint
CREATE TABLE "case_records" (
	"case_id" text PRIMARY KEY NOT NULL,
	"procedure_id" text NOT NULL,
	"procedure_version" integer NOT NULL,
	"applicant_id" text,
	"channel" text NOT NULL,
	"status" text DEFAULT 'received' NOT NULL,
	"received_at" timestamp with time zone NOT NULL,
	"deadline_at" timestamp with time zone,
	"settled_at" timestamp with time zone,
	"on_time" boolean,
	"fields_reused" integer DEFAULT 0 NOT NULL,
	"fields_collected" integer DEFAULT 0 NOT NULL,
	"electronic_result" boolean DEFAULT false NOT NULL,
	"satisfaction" integer,
	"updated_at" timestamp with time zone NOT NULL,
	CONSTRAINT "case_records_satisfaction_range" CHECK ("case_records"."satisfaction" is null or "case_records"."satisfaction" between 1 and 5),
	CONSTRAINT "case_records_counts" CHECK ("case_records"."fields_reused" >= 0 and "case_records"."fields_collected" >= 0)
);
--> statement-breakpoint
ALTER TABLE "birth_registrations" ADD CONSTRAINT "birth_registrations_book_id_register_books_id_fk" FOREIGN KEY ("book_id") REFERENCES "public"."register_books"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "birth_registrations" ADD CONSTRAINT "birth_registrations_child_id_persons_personal_id_fk" FOREIGN KEY ("child_id") REFERENCES "public"."persons"("personal_id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "health_insurance_cards" ADD CONSTRAINT "health_insurance_cards_social_insurance_number_social_insurance_numbers_number_fk" FOREIGN KEY ("social_insurance_number") REFERENCES "public"."social_insurance_numbers"("number") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "health_insurance_cards" ADD CONSTRAINT "health_insurance_cards_personal_id_persons_personal_id_fk" FOREIGN KEY ("personal_id") REFERENCES "public"."persons"("personal_id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "household_members" ADD CONSTRAINT "household_members_personal_id_persons_personal_id_fk" FOREIGN KEY ("personal_id") REFERENCES "public"."persons"("personal_id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "household_members" ADD CONSTRAINT "household_members_household_id_households_household_id_fk" FOREIGN KEY ("household_id") REFERENCES "public"."households"("household_id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "households" ADD CONSTRAINT "households_head_id_persons_personal_id_fk" FOREIGN KEY ("head_id") REFERENCES "public"."persons"("personal_id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "persons" ADD CONSTRAINT "persons_father_id_persons_personal_id_fk" FOREIGN KEY ("father_id") REFERENCES "public"."persons"("personal_id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "persons" ADD CONSTRAINT "persons_mother_id_persons_personal_id_fk" FOREIGN KEY ("mother_id") REFERENCES "public"."persons"("personal_id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "social_insurance_numbers" ADD CONSTRAINT "social_insurance_numbers_personal_id_persons_personal_id_fk" FOREIGN KEY ("personal_id") REFERENCES "public"."persons"("personal_id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "health_insurance_cards_person_idx" ON "health_insurance_cards" USING btree ("personal_id","valid_to");--> statement-breakpoint
CREATE INDEX "household_members_household_idx" ON "household_members" USING btree ("household_id");--> statement-breakpoint
CREATE INDEX "households_head_idx" ON "households" USING btree ("head_id");--> statement-breakpoint
CREATE INDEX "persons_father_idx" ON "persons" USING btree ("father_id");--> statement-breakpoint
CREATE INDEX "persons_mother_idx" ON "persons" USING btree ("mother_id");--> statement-breakpoint
CREATE INDEX "audit_log_case_idx" ON "audit_log" USING btree ("case_id","id");--> statement-breakpoint
CREATE INDEX "audit_log_subject_idx" ON "audit_log" USING btree ("subject_id","id");--> statement-breakpoint
CREATE INDEX "case_records_procedure_idx" ON "case_records" USING btree ("procedure_id","received_at");--> statement-breakpoint
CREATE INDEX "case_records_applicant_idx" ON "case_records" USING btree ("applicant_id");