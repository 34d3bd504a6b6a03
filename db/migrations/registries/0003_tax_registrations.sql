CREATE TABLE "tax_registrations" (
	"tax_code" text PRIMARY KEY NOT NULL,
	"owner_id" char(12) NOT NULL,
	"business_name" text NOT NULL,
	"business_line" text NOT NULL,
	"commune_code" char(5) NOT NULL,
	"province_code" char(2) NOT NULL,
	"start_date" date NOT NULL,
	"registered_at" timestamp with time zone NOT NULL,
	"case_id" text NOT NULL,
	CONSTRAINT "tax_registrations_owner_id_unique" UNIQUE("owner_id"),
	CONSTRAINT "tax_registrations_case_id_unique" UNIQUE("case_id")
);
--> statement-breakpoint
ALTER TABLE "tax_registrations" ADD CONSTRAINT "tax_registrations_owner_id_persons_personal_id_fk" FOREIGN KEY ("owner_id") REFERENCES "public"."persons"("personal_id") ON DELETE no action ON UPDATE no action;