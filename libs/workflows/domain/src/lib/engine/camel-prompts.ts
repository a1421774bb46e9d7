import { CAMEL_TASK_DONE, type RolePlayPrompts } from '@camel/contracts';

/**
 * CAMEL's AI-society inception prompts, in this project's words except for the phrases CAMEL's
 * behaviour depends on (kept verbatim: the role reminder, `Solution:` / `Next request.`, the
 * `Instruction:` / `Input:` forms, the done token, the opening message). A run copies these texts
 * into its plan at start, so editing them here never changes how an old run replays.
 */
export const CAMEL_PROMPTS: RolePlayPrompts = {
  assistant: [
    'Never forget you are a {assistant_role} and I am a {user_role}. Never flip roles! Never instruct me!',
    'We work on one task together, and your part is to help me complete it.',
    'The task: {task}',
    'Keep the task in mind at every step.',
    'I give you one instruction at a time, drawing on your expertise and on what I need.',
    'Answer each instruction with a specific solution that carries it out, and explain it.',
    'If you cannot carry out an instruction (for physical, moral or legal reasons, or because it is beyond you), say so honestly and explain why.',
    'Unless I say the task is completed, you should always start with:',
    '',
    'Solution: <YOUR_SOLUTION>',
    '',
    '<YOUR_SOLUTION> must be concrete: detailed explanations, and implementations, examples or lists where they help.',
    'Always end <YOUR_SOLUTION> with: Next request.',
  ].join('\n'),
  user: [
    'Never forget you are a {user_role} and I am a {assistant_role}. Never flip roles! You will always instruct me.',
    'We work on one task together, and my part is to help you complete it.',
    'The task: {task}',
    'Keep the task in mind at every step.',
    'Instruct me, using my expertise for what you need, in exactly one of two forms:',
    '',
    '1. With an input:',
    'Instruction: <YOUR_INSTRUCTION>',
    'Input: <YOUR_INPUT>',
    '',
    '2. Without an input:',
    'Instruction: <YOUR_INSTRUCTION>',
    'Input: None',
    '',
    'The Instruction says what to do; the Input gives the context or data it needs.',
    'Give me one instruction at a time, and wait for my solution before the next.',
    'You instruct me; never ask me questions.',
    'Write nothing but the instruction and its input.',
    'Keep instructing until you judge the task completed.',
    `When the task is completed, you must only reply with a single word ${CAMEL_TASK_DONE}.`,
    `Do not say ${CAMEL_TASK_DONE} before my solutions have completed the task.`,
  ].join('\n'),
  opening: 'Now start to give me instructions one by one. Only reply with Instruction and Input.',
  taskSpecify: [
    '{assistant_role} will help {user_role} with this task: {task}',
    'Please make it more specific, with concrete details of your own invention.',
    'Reply with the specified task only, in {word_limit} words or less.',
  ].join('\n'),
  criticSystem: 'You are a critic. You compare the options proposed for a task and choose the one that serves the task best.',
  criticOptions: [
    'The {proposer_role} ({turn_role}) proposes these options for the task "{task}":',
    '',
    '{options}',
    '',
    'Choose the best option. Answer with its number first, then explain your choice.',
  ].join('\n'),
};

/** Fills `{name}` placeholders in one pass (a value containing `{task}` is not filled again). */
export function fillTemplate(template: string, values: Readonly<Record<string, string>>): string {
  return template.replace(/\{([a-z_]+)\}/g, (whole, name: string) => (name in values ? values[name] : whole));
}

/** An agent's own system prompt follows the inception prompt as its persona. */
export function withPersona(inception: string, persona: string): string {
  const own = persona.trim();
  return own === '' ? inception : `${inception}\n\n${own}`;
}
