CREATE TABLE "employment_records" (
	"personal_id" char(12) PRIMARY KEY NOT NULL,
	"last_employer" text NOT NULL,
	"contract_ended_at" date NOT NULL,
	"unemployment_insurance_months" integer NOT NULL,
	"average_monthly_salary" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "unemployment_decisions" (
	"decision_number" text PRIMARY KEY NOT NULL,
	"personal_id" char(12) NOT NULL,
	"contract_ended_at" date NOT NULL,
	"monthly_amount" bigint NOT NULL,
	"months" integer NOT NULL,
	"basis" text NOT NULL,
	"decided_at" timestamp with time zone NOT NULL,
	"case_id" text NOT NULL,
	CONSTRAINT "unemployment_decisions_case_id_unique" UNIQUE("case_id"),
	CONSTRAINT "unemployment_decisions_person_termination" UNIQUE("personal_id","contract_ended_at")
);
--> statement-breakpoint
ALTER TABLE "employment_records" ADD CONSTRAINT "employment_records_personal_id_persons_personal_id_fk" FOREIGN KEY ("personal_id") REFERENCES "public"."persons"("personal_id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "unemployment_decisions" ADD CONSTRAINT "unemployment_decisions_personal_id_persons_personal_id_fk" FOREIGN KEY ("personal_id") REFERENCES "public"."persons"("personal_id") ON DELETE no action ON UPDATE no action;