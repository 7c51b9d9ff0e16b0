// A request refused at the edge, before any parser or key sees it. It carries both answers
// (problem+json code and SCIM scimType), because the same checks guard /api/v1, /auth and
// /scim/v2, and it looks like a body-parser error (type, status 400) to anything that asks.

export type InputRefusalKind = 'entity.too.deep' | 'entity.malformed.text';

export class InputRefused extends Error {
  override name = 'InputRefused';
  readonly status = 400;
  constructor(
    readonly type: InputRefusalKind,
    message: string,
    /** The field (body path or query parameter) holding the refused text, when known. */
    readonly field?: string,
    readonly scimType: 'invalidSyntax' | 'invalidValue' | 'invalidFilter' = type === 'entity.too.deep'
      ? 'invalidSyntax'
      : 'invalidValue',
  ) {
    super(message);
  }

  /** The problem+json code: invalid_json for structure, invalid_text for text that is not Unicode. */
  get code(): 'invalid_json' | 'invalid_text' {
    return this.type === 'entity.too.deep' ? 'invalid_json' : 'invalid_text';
  }
}
