import { Injectable, type ArgumentMetadata, type PipeTransform } from '@nestjs/common';
import { CreateEvalDto, validateEvalBody } from '../evals/dto/create-eval.dto';
import { CreateJobDto, validateJobBody } from '../jobs/dto/create-job.dto';
import { PlanRequestDto, validatePlanBody } from '../jobs/dto/plan-request.dto';
import type { BodyValidator } from './body-shape';
import { validationException } from './validation-errors';

/** The compiled validator of each body class a handler takes. */
const BODY_VALIDATORS = new Map<unknown, BodyValidator>([
  [CreateJobDto, validateJobBody],
  [PlanRequestDto, validatePlanBody],
  [CreateEvalDto, validateEvalBody],
]);

/**
 * Validates a handler's body against its class's compiled shape and hands on the parsed JSON as
 * it came (no class instances are built). A body class without a shape is a programming error,
 * refused at the first request rather than let through unvalidated.
 */
@Injectable()
export class BodyValidationPipe implements PipeTransform {
  transform(value: unknown, metadata: ArgumentMetadata): unknown {
    const type = metadata.metatype;
    if (metadata.type !== 'body' || type === undefined || type === Object) return value;
    const validate = BODY_VALIDATORS.get(type);
    if (!validate) throw new Error(`no body shape for ${type.name}`);
    const details = validate(value);
    if (details.length > 0) throw validationException(details);
    return value;
  }
}
