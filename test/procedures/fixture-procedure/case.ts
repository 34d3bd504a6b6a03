/** The volunteer clearance fixture's case data: what the citizen gives, what its services take and return, the chart's context. Pure types. */

export interface VolunteerClearanceApplication {
  applicant: { personalId: string };
  certificateType: '1' | '2';
  purposeOfRequest: string;
  post: string;
}
