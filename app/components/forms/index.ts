export { ActForm, ReplyNotice, useActForm, type ActFormProps } from "~/components/forms/ActForm";
export { Field, type ControlProps, type FieldProps } from "~/components/forms/Field";
export { Confirmation } from "~/components/forms/Confirmation";
export { replyFor, type Confirmation as ConfirmationData, type FormReply } from "~/utils/reply";
export { CheckboxGroup } from "~/components/forms/CheckboxGroup";
