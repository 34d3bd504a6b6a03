CREATE TABLE "application_keys" (
	"principal_id" text NOT NULL,
	"key_hash" text NOT NULL,
	"body_hash" text NOT NULL,
	"case_id" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	CONSTRAINT "application_keys_principal_id_key_hash_pk" PRIMARY KEY("principal_id","key_hash"),
	CONSTRAINT "application_keys_case_id_unique" UNIQUE("case_id")
);
--> statement-breakpoint
ALTER TABLE "audit_log" ADD COLUMN "decided_by" text;